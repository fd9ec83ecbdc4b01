'use strict';
// S3-compatible test server for scripts/test-services.
//
// Usage: node s3rver-main.js PORT DIRECTORY BUCKET
//   (NODE_PATH must point at a node_modules holding @20minutes/s3rver)
//
// Wraps @20minutes/s3rver (package without a CLI bin of its own). Credentials
// are s3rver's fixed pair S3RVER / S3RVER. s3rver checks SigV2/SigV4
// signatures but serves requests carrying no signature at all as an anonymous
// user; real S3 refuses anonymous access to a private bucket, so this wrapper
// answers 403 AccessDenied to any unsigned request. That way a client which
// forgets to sign fails in tests just as it would against real S3.
// s3rver also trusts the x-amz-content-sha256 header without hashing the
// body; for object and part uploads this wrapper checks it and answers
// 400 XAmzContentSHA256Mismatch like S3 does.

const { createHash } = require('crypto');

// Patch the body parser of s3rver's PUT Object / Upload Part controllers
// before s3rver loads them, so that they store a body already read (and
// checked) by the middleware below.
const v4 = require('@20minutes/s3rver/lib/signature/v4');
const origBodyParser = v4.aws4SignatureBodyParser;
v4.aws4SignatureBodyParser = function (ctx) {
  if (ctx.state.verifiedBody) {
    // A stream, not a Buffer: s3rver answers a Buffer body before it is on disk, so a GET
    // right after the PUT could read a short object.
    ctx.request.body = require('stream').Readable.from([ctx.state.verifiedBody]);
    return;
  }
  origBodyParser(ctx);
};

const S3rver = require('@20minutes/s3rver');

const [portArg, directory, bucket] = process.argv.slice(2);
const port = Number(portArg);
if (!Number.isInteger(port) || port <= 0 || !directory || !bucket) {
  console.error('usage: node s3rver-main.js PORT DIRECTORY BUCKET');
  process.exit(2);
}

const server = new S3rver({
  address: '127.0.0.1',
  port,
  directory,
  silent: true,
  configureBuckets: [{ name: bucket }],
});

function isSigned(ctx) {
  const q = ctx.query;
  return (
    'authorization' in ctx.headers ||
    'X-Amz-Algorithm' in q ||
    'Signature' in q
  );
}

function s3Error(ctx, status, code, message) {
  ctx.status = status;
  ctx.type = 'application/xml';
  ctx.body =
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<Error><Code>${code}</Code><Message>${message}</Message>` +
    `<Resource>${encodeURI(ctx.path)}</Resource>` +
    '<RequestId>0</RequestId></Error>';
}

// A PUT that s3rver routes to PUT Object or Upload Part, with a body hash.
function isHashedUpload(ctx) {
  if (ctx.method !== 'PUT' || 'x-amz-copy-source' in ctx.headers) return false;
  if (!/^[0-9A-Fa-f]{64}$/.test(ctx.get('x-amz-content-sha256'))) return false;
  if (ctx.path.split('/').filter(Boolean).length < 2) return false; // bucket only
  return Object.keys(ctx.query).every(
    (k) => k === 'uploadId' || k === 'partNumber' || k.toLowerCase().startsWith('x-amz-'),
  );
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

// Runs before all of s3rver's own middleware (Koa composes the list when the
// server starts listening).
server.middleware.unshift(async (ctx, next) => {
  if (ctx.method !== 'OPTIONS' && !isSigned(ctx)) {
    s3Error(ctx, 403, 'AccessDenied', 'Anonymous access is not allowed; sign the request');
    return undefined;
  }
  if (isHashedUpload(ctx)) {
    const body = await readBody(ctx.req);
    const claimed = ctx.get('x-amz-content-sha256').toLowerCase();
    const actual = createHash('sha256').update(body).digest('hex');
    if (claimed !== actual) {
      s3Error(
        ctx,
        400,
        'XAmzContentSHA256Mismatch',
        `The provided 'x-amz-content-sha256' header does not match what was computed (${actual})`,
      );
      return undefined;
    }
    ctx.state.verifiedBody = body;
  }
  return next();
});

server.run((err, addr) => {
  if (err) {
    console.error('s3rver failed to start:', err);
    process.exit(1);
  }
  console.log(
    `s3rver listening on ${addr.address}:${addr.port}, directory ${directory}, bucket ${bucket}`,
  );
});

function shutdown(signal) {
  console.log(`s3rver: ${signal}, closing`);
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
}
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
