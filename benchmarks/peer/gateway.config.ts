// Hive Gateway settings for the benchmark peer, as a production deployment would set them:
// errors only in the log (no line per request), no GraphiQL or landing page, no response
// cache (the benchmark's cold scenarios measure fetching, not a cache).
import { defineConfig } from '@graphql-hive/gateway';

export const gatewayConfig = defineConfig({
  logging: 'error',
  graphiql: false,
  landingPage: false,
  // Hive Gateway merges the calls one subgraph gets in the same tick into one document.
  // For Shopify that document is refused: 20 products' `shopifyStock` re-reads cost 343
  // points each and Shopify refuses any document over 1,000 (MAX_COST_EXCEEDED). Each
  // re-read goes in its own request instead (REST sources are never merged anyway).
  __experimental__batchExecution: false,
});
