// GraphQL Mesh compose config for the benchmark peer. `mesh-compose` reads it with the
// sandboxes' addresses and credentials in the environment (benchmarks/peer/__init__.py
// sets them) and writes a Federation supergraph that one `hive-gateway` process serves.
//
// Sources: Shopify's Admin API (GraphQL, 2025-01), SAP Commerce (OCC v2 + the
// InboundStockLevel Integration API object, OpenAPI), and, when their sandboxes are given,
// Salesforce (SOQL, OpenAPI) and Odoo (JSON-2, OpenAPI) for the side-by-side account page.
import { defineConfig, loadGraphQLHTTPSubgraph } from '@graphql-mesh/compose-cli';
import type { MeshComposeCLISubgraphConfig } from '@graphql-mesh/compose-cli';
import { loadOpenAPISubgraph } from '@omnigraph/openapi';
import { GraphQLObjectType, GraphQLSchema } from 'graphql';

function env(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set: start the peer with benchmarks/peer (start())`);
  }
  return value;
}

/**
 * Serve only these root query fields of a vendor schema, and no mutations: the types they
 * reach stay, the rest goes. What a gateway in front of an admin API does (never expose
 * the Admin API's mutations with the gateway's token); it also leaves out the one field
 * that returns the root type itself (`Job.query: QueryRoot`), which composition refuses.
 */
function onlyQueries(keep: string[]) {
  return (schema: GraphQLSchema): GraphQLSchema => {
    const config = schema.getQueryType()!.toConfig();
    const query = new GraphQLObjectType({
      ...config,
      fields: Object.fromEntries(keep.map(name => [name, config.fields[name]])),
    });
    return new GraphQLSchema({
      ...schema.toConfig(),
      query,
      mutation: undefined,
      subscription: undefined,
      types: [],
    });
  };
}

const subgraphs: MeshComposeCLISubgraphConfig[] = [
  {
    sourceHandler: loadGraphQLHTTPSubgraph('Shopify', {
      endpoint: `${env('PEER_SHOPIFY_URL')}/admin/api/2025-01/graphql.json`,
      // The published 2025-01 SDL the sandbox executes against (the same schema an
      // introspection of the shop would give).
      source: env('PEER_SHOPIFY_SDL'),
      operationHeaders: { 'X-Shopify-Access-Token': env('PEER_SHOPIFY_TOKEN') },
    }),
    transforms: [onlyQueries(['shop', 'product', 'products', 'customers'])],
  },
  {
    sourceHandler: loadOpenAPISubgraph('SAPCommerce', {
      source: './openapi/sap_commerce.json',
      endpoint: env('PEER_SAP_URL'),
      // An OAuth 2 client-credentials token fetched once at start (README: simplifications).
      operationHeaders: { Authorization: `Bearer ${env('PEER_SAP_TOKEN')}` },
    }),
  },
];

if (process.env.PEER_SALESFORCE_URL) {
  subgraphs.push({
    sourceHandler: loadOpenAPISubgraph('Salesforce', {
      source: './openapi/salesforce.json',
      endpoint: env('PEER_SALESFORCE_URL'),
      operationHeaders: { Authorization: `Bearer ${env('PEER_SALESFORCE_TOKEN')}` },
    }),
  });
}

if (process.env.PEER_ODOO_URL) {
  subgraphs.push({
    sourceHandler: loadOpenAPISubgraph('Odoo', {
      source: './openapi/odoo.json',
      endpoint: env('PEER_ODOO_URL'),
      // JSON-2 reads are POSTs; this one only reads.
      selectQueryOrMutationField: [{ type: 'Query', fieldName: 'odooSaleOrders' }],
      operationHeaders: {
        Authorization: `bearer ${env('PEER_ODOO_KEY')}`,
        'X-Odoo-Database': env('PEER_ODOO_DATABASE'),
      },
    }),
  });
}

export const composeConfig = defineConfig({
  subgraphs,
  additionalTypeDefs: /* GraphQL */ `
    extend type Product {
      """
      The product again, read on its own. Shopify refuses a document whose requested cost
      is over 1,000 points; a page of 20 products with every variant's stock at every
      store costs ~6,900, one product 343. So the page is read without stock and each
      product with it: one Shopify call per product (not batchable: a nodes(ids:) batch
      of the page costs as much as the page).
      """
      shopifyStock: Product
        @resolveTo(
          sourceName: "Shopify"
          sourceTypeName: "Query"
          sourceFieldName: "product"
          requiredSelectionSet: "{ id }"
          sourceArgs: { id: "{root.id}" }
        )
    }

    extend type ProductVariant {
      """
      SAP Commerce's stock rows for this variant's SKU, each warehouse with the points of
      service it stocks. One Integration API call per SKU: the only multi-product stock
      read SAP offers is an OData $filter ("productCode eq 'A' or productCode eq 'B'"),
      a string Mesh cannot build from a batch of keys (keysArg passes a list argument).
      """
      sapStock: [StockLevel]
        @resolveTo(
          sourceName: "SAPCommerce"
          sourceTypeName: "Query"
          sourceFieldName: "stockLevels"
          requiredSelectionSet: "{ sku }"
          sourceArgs: {
            _DOLLAR_filter: "productCode eq '{root.sku}'"
            _DOLLAR_expand: "warehouse,warehouse/pointsOfService"
          }
          result: "d.results"
        )
    }
  `,
});
