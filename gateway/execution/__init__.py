"""How the gateway executes operations: plans cached per operation, completed in waves
(:mod:`gateway.execution.executor`), from plans (:mod:`gateway.execution.plan`)."""

from gateway.execution.executor import PlannedExecutor

__all__ = ["PlannedExecutor"]
