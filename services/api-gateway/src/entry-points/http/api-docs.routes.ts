import path from 'node:path';
import { Router } from 'express';
import Joi from 'joi';
import { notFound } from '@shop/platform';

const swaggerUi = path.dirname(require.resolve('swagger-ui-dist/package.json'));

/** What /docs loads besides itself: Swagger UI from its npm package, never from a CDN. */
const assets: Record<string, string> = { 'swagger-ui.css': 'text/css; charset=utf-8', 'swagger-ui-bundle.js': 'text/javascript; charset=utf-8' };
export const docsAssetSchema = Joi.string().valid(...Object.keys(assets));

// deepLinking: /docs#/orders/placeOrder opens that operation. validatorUrl null: Swagger UI would
// otherwise send the document to an online validator for its badge.
const page = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Order platform API</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/docs/swagger-ui.css">
</head>
<body>
<div id="api"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script>
SwaggerUIBundle({
  url: '/openapi.json',
  dom_id: '#api',
  deepLinking: true,
  validatorUrl: null,
  docExpansion: 'list',
  defaultModelRendering: 'model',
  defaultModelExpandDepth: 4,
  onComplete: function () { document.body.dataset.rendered = 'true'; },
});
</script>
</body>
</html>
`;

/** GET /openapi.json (the document, serialized once) and GET /docs, its reference page. No auth. */
export function apiDocsRoutes(document: object): Router {
  const json = Buffer.from(JSON.stringify(document));
  const router = Router();

  router.get('/openapi.json', (_req, res) => {
    res.type('application/json').send(json);
  });

  router.get('/docs', (_req, res) => {
    res.type('html').send(page);
  });

  router.get('/docs/:asset', (req, res) => {
    const { asset } = req.params;
    if (!Object.hasOwn(assets, asset)) throw notFound('Asset');
    res.type(assets[asset]).set('Cache-Control', 'public, max-age=3600').sendFile(path.join(swaggerUi, asset));
  });

  return router;
}
