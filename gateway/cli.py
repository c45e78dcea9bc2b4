"""``commerce-gateway``: run the demo, serve a config, print the schema, run a sandbox.

    commerce-gateway demo [--host H] [--port P] [--fault NAME=SPEC ...]
    commerce-gateway serve --config FILE [--host H] [--port P] [--workers N] [--no-access-log]
    commerce-gateway check --config FILE
    commerce-gateway schema
    commerce-gateway sandbox NAME [--host H] [--port P]

A bad config exits with status 2 and one line naming the key and the fix.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import logging
import os
import signal
import socket
import sys
import traceback
from collections.abc import Iterator, Sequence
from typing import Any

import uvicorn

from connectors.errors import SettingsError
from connectors.registry import available_connectors, load_connector, load_sandbox
from connectors.sandbox import Sandbox
from gateway.config import ConfigError, GatewayConfig, load_config

__all__ = ["main"]

log = logging.getLogger("commerce_gateway")

EXIT_CONFIG = 2
EXIT_UNREADY = 3


class _Server(uvicorn.Server):
    """A uvicorn server that leaves signal handling to the process's main server."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def _loop() -> str:
    return "uvloop" if sys.platform != "win32" else "asyncio"


def _uvicorn_config(
    app: Any, host: str, port: int, *, quiet: bool = False, access_log: bool = True
) -> uvicorn.Config:
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        loop=_loop(),
        http="httptools",
        log_level="warning" if quiet else "info",
        access_log=access_log and not quiet,
        lifespan="on",
        # Sandbox.app is a bound method, which uvicorn's sniffing would take for ASGI2.
        interface="asgi3",
    )


def _environment() -> dict[str, str]:
    # The one place settings are read from the environment: start-up.
    return dict(os.environ)  # noqa: TID251


def _load(path: str) -> GatewayConfig:
    return load_config(path, _environment())


async def _serve_all(main: uvicorn.Server, helpers: Sequence[uvicorn.Server]) -> None:
    """Run ``main`` (which owns Ctrl-C) and stop ``helpers`` when it stops."""
    tasks = [asyncio.create_task(server.serve()) for server in helpers]
    try:
        while not all(server.started for server in helpers):
            if any(task.done() for task in tasks):
                break
            await asyncio.sleep(0.01)
        for task in tasks:
            if task.done():
                task.result()  # surfaces "address already in use"
        await main.serve()
    finally:
        for server in helpers:
            server.should_exit = True
        await asyncio.gather(*tasks, return_exceptions=True)


#: gc.set_threshold's: allocations between young collections, then collections of each
#: generation between collections of the next (CPython's are 700, 10, 10). A cold
#: listing of 20 has some 5,000-8,000 young objects alive at its peak and frees them all
#: when it ends: at 20,000 a request served alone meets no collection (at 5,000, one of
#: 0.3-0.5 ms in nearly every listing); under load, young collections are rarer and
#: longer, about the same time a request. The older generations are collected every 100,000
#: and 1,000,000 allocations, as before, so that the cycles error paths still make (an
#: exception kept beside the frames that raised it) are freed within seconds.
_GC_THRESHOLDS = (20_000, 5, 10)


def _run(coro: Any) -> None:
    # Everything imported and built so far lives as long as the process: keep it out of
    # the collector's generations, so full collections stay short (parsed documents are
    # cyclic garbage, and a collection over the whole heap paused requests for 30-110 ms).
    gc.collect()
    gc.freeze()
    # A request leaves no reference cycles (tests/gateway/test_reference_cycles.py), so
    # the collector finds next to nothing, yet at CPython's default thresholds (700, 10,
    # 10) it ran every few hundred allocations over the objects of every request in
    # flight: 1.7-2.0 ms of a cold listing's 6-7 ms under load. Collecting young objects
    # less often lets most of a request's go by reference counting before a collection
    # sees them (0.5-0.8 ms a listing, docs/performance.md).
    gc.set_threshold(*_GC_THRESHOLDS)
    if sys.platform != "win32":
        import uvloop

        uvloop.run(coro)
    else:  # pragma: no cover
        asyncio.run(coro)


# -- commands ------------------------------------------------------------------------------


def cmd_demo(args: argparse.Namespace) -> int:
    from gateway.app import create_app
    from gateway.sandboxes import DEMO_ADMIN_KEY, create_sandboxes, sandbox_config

    sandboxes = create_sandboxes()
    for spec in args.fault or []:
        name, _, fault = spec.partition("=")
        if name not in sandboxes:
            raise ConfigError(
                f"--fault {spec}: no sandbox named {name!r} (have: {', '.join(sandboxes)})"
            )
        try:
            sandboxes[name].faults.apply(fault)
        except ValueError as exc:
            raise ConfigError(f"--fault {spec}: {exc}") from None

    base_urls = {}
    helpers = []
    for offset, (name, sandbox) in enumerate(sandboxes.items(), start=1):
        port = args.sandbox_port + offset - 1
        base_urls[name] = f"http://{args.host}:{port}"
        helpers.append(_Server(_uvicorn_config(sandbox.app, args.host, port, quiet=True)))
    config = sandbox_config(sandboxes, base_urls)
    app = create_app(config)
    main = uvicorn.Server(_uvicorn_config(app, args.host, args.port))

    print(f"commerce-gateway demo: {len(sandboxes)} sandboxed back ends, no credentials needed")
    for name, url in base_urls.items():
        faults = [f for f in args.fault or [] if f.startswith(f"{name}=")]
        note = f"  (faults: {', '.join(faults)})" if faults else ""
        print(f"  sandbox {name:<14} {url}{note}")
    print(f"  GraphiQL            http://{args.host}:{args.port}/graphql")
    print(f"  admin API key       {DEMO_ADMIN_KEY}   (send as X-Api-Key: customers, orders)")
    print(
        "  Try: { products(first: 3) { nodes { title variants { sku inventory { available "
        "location { name kind } } } } } }"
    )
    sys.stdout.flush()
    _run(_serve_all(main, helpers))
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from gateway.app import create_app

    config = _load(args.config)
    host = args.host or config.server.host
    port = args.port or config.server.port
    if args.workers < 1:
        raise ConfigError(f"--workers {args.workers}: use 1 or more")
    if args.workers > 1 and not hasattr(os, "fork"):  # pragma: no cover
        raise ConfigError("--workers: more than one needs os.fork (Linux, macOS)")
    if not args.access_log:
        # httpx logs a line per back-end call at INFO: several per request, each costing
        # a log record (0.1 ms). Without the access log, those go too.
        logging.getLogger("httpx").setLevel(logging.WARNING)
    if args.workers == 1:
        app = create_app(config)
        server = uvicorn.Server(_uvicorn_config(app, host, port, access_log=args.access_log))
        _run(server.serve())
        return 0
    return _serve_workers(config, host, port, args.workers, access_log=args.access_log)


def _serve_workers(
    config: GatewayConfig, host: str, port: int, workers: int, *, access_log: bool
) -> int:
    """Pre-fork: bind one socket here, fork ``workers`` children that each build their own
    app (connectors, pools, caches) and accept on it. Return when they have all stopped:
    0 after SIGTERM or SIGINT (forwarded to every child), 1 if a child fails on its own."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        log.error("cannot listen on %s:%s: %s", host, port, exc.strerror)
        return 1
    sock.listen(2048)
    sys.stdout.flush()
    sys.stderr.flush()
    children: set[int] = set()
    for _ in range(workers):
        pid = os.fork()
        if pid == 0:  # pragma: no cover  (the child; the test sees it over HTTP)
            _worker(config, host, port, sock, access_log=access_log)
        children.add(pid)
    log.info(
        "serving on http://%s:%s with %d workers (pids %s)",
        host,
        port,
        workers,
        " ".join(map(str, sorted(children))),
    )

    stopping = False

    def stop(signum: int, frame: Any) -> None:
        nonlocal stopping
        stopping = True
        for child in list(children):
            # SIGTERM even for Ctrl-C: a child that gets SIGINT twice (the terminal's and
            # ours) would skip its graceful shutdown.
            with contextlib.suppress(ProcessLookupError):
                os.kill(child, signal.SIGTERM)

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    failed = False
    try:
        while children:
            pid, status = os.waitpid(-1, 0)
            if pid not in children:
                continue
            children.discard(pid)
            by_signal = os.WIFSIGNALED(status) and os.WTERMSIG(status) in (
                signal.SIGTERM,
                signal.SIGINT,
            )
            clean = os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
            if not stopping or not (clean or by_signal):
                log.error("worker %d stopped (wait status %d); stopping the others", pid, status)
                failed = True
                stop(signal.SIGTERM, None)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        sock.close()
    return 1 if failed else 0


def _worker(
    config: GatewayConfig, host: str, port: int, sock: socket.socket, *, access_log: bool
) -> None:  # pragma: no cover  (runs in a forked child)
    """One pre-forked worker: never returns."""
    code = 1
    try:
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, signal.SIG_DFL)  # uvicorn installs its own, then re-raises
        from gateway.app import create_app

        app = create_app(config)
        server = uvicorn.Server(_uvicorn_config(app, host, port, access_log=access_log))
        _run(server.serve(sockets=[sock]))
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException:
        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def cmd_check(args: argparse.Namespace) -> int:
    from gateway.runtime import Gateway

    config = _load(args.config)
    print(f"{args.config}: valid ({len(config.connectors)} connectors)")
    results: dict[str, str | None] = {}

    async def ping() -> None:
        async with Gateway(config) as gateway:
            results.update(await gateway.readiness())

    _run(ping())
    for name, problem in results.items():
        print(f"  {name:<16} {'ok' if problem is None else 'FAILED: ' + problem}")
    return EXIT_UNREADY if any(results.values()) else 0


def cmd_schema(args: argparse.Namespace) -> int:
    from schema import sdl

    sys.stdout.write(sdl())
    return 0


def cmd_sandbox(args: argparse.Namespace) -> int:
    try:
        connector = load_connector(args.name)
        sandbox: Sandbox = load_sandbox(connector)()
    except SettingsError as exc:
        raise ConfigError(str(exc)) from None
    url = f"http://{args.host}:{args.port}"
    print(f"{args.name} sandbox on {url}; connector settings for it:")
    print(f"  [connectors.{args.name}]")
    print(f'  type = "{args.name}"')
    for key, value in sandbox.connector_settings(url).items():
        shown = value if not isinstance(value, str) else f'"{value}"'
        print(f"  {key} = {shown}")
    sys.stdout.flush()
    server = uvicorn.Server(_uvicorn_config(sandbox.app, args.host, args.port))
    _run(server.serve())
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="commerce-gateway", description="One GraphQL commerce graph over your back ends."
    )
    commands = parser.add_subparsers(dest="command", required=True)

    demo = commands.add_parser("demo", help="the whole graph on built-in vendor sandboxes")
    demo.add_argument("--host", default="127.0.0.1")
    demo.add_argument("--port", type=int, default=8000)
    demo.add_argument("--sandbox-port", type=int, default=9001, help="first sandbox port")
    demo.add_argument(
        "--fault",
        action="append",
        metavar="NAME=SPEC",
        help="make a sandbox misbehave: down, throttle, garbage, latency:<ms>, error-rate:<0..1>",
    )
    demo.set_defaults(func=cmd_demo)

    serve = commands.add_parser("serve", help="serve the gateway from a config file")
    serve.add_argument("--config", required=True)
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument(
        "--workers",
        type=int,
        default=1,
        help="processes accepting on one socket, each with its own connectors and cache",
    )
    serve.add_argument(
        "--no-access-log",
        dest="access_log",
        action="store_false",
        help="no log line per request or per back-end call (load tests; a proxy that logs already)",
    )
    serve.set_defaults(func=cmd_serve)

    check = commands.add_parser("check", help="validate a config and ping each connector")
    check.add_argument("--config", required=True)
    check.set_defaults(func=cmd_check)

    schema = commands.add_parser("schema", help="print the GraphQL SDL")
    schema.set_defaults(func=cmd_schema)

    sandbox = commands.add_parser("sandbox", help="run one vendor sandbox")
    sandbox.add_argument("name", choices=available_connectors())
    sandbox.add_argument("--host", default="127.0.0.1")
    sandbox.add_argument("--port", type=int, default=9001)
    sandbox.set_defaults(func=cmd_sandbox)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    args = _parser().parse_args(argv)
    try:
        code: int = args.func(args)
    except ConfigError as exc:
        print(f"commerce-gateway: config error: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
