// The API reference: Swagger UI reading this service's own OpenAPI document, and nothing from anywhere else.
// Swagger UI's bundle comes in by its own script tag (from node_modules).
declare const SwaggerUIBundle: (options: Record<string, unknown>) => unknown;

SwaggerUIBundle({
  url: '/api/v1/openapi.json',
  dom_id: '#docs',
  deepLinking: true,
  // The default would send the document to validator.swagger.io for a badge.
  validatorUrl: null,
  // Trying a request needs a token; the reference is for reading first.
  tryItOutEnabled: false,
  defaultModelsExpandDepth: 0,
});
