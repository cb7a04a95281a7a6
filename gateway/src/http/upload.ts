import { createHash } from 'node:crypto';
import multer from '@koa/multer';
import type Koa from 'koa';
import type { Readable } from 'node:stream';
import { ApiError } from '../errors';

/**
 * What the gateway keeps of an uploaded document: its SM3 digest and size, never its bytes on disk.
 * A route that must read the document (an OFD to verify, an anchor batch's leaves) gets its bytes
 * instead, in memory for the request only, within the upload limit.
 */
export type UploadedDigest = { fieldname: string; originalname: string; mimetype: string; size: number } & ({ sm3: string; bytes?: undefined } | { bytes: Uint8Array; sm3?: undefined });

/**
 * A multer storage engine that digests the file while it streams in: verifying a 50 MB licence
 * PDF costs a hash, not 50 MB of memory or a temporary file. With `keepBytes`, the chunks are
 * gathered for the handler to read instead, undigested: such a handler reads the bytes themselves
 * (and 32 MB of anchor leaves cost a tenth of a second of SM3 or more). An empty file is refused
 * for every upload route: no document is empty, and SM3("") would be sealed or judged tampered.
 */
const digestStorage = (keepBytes: boolean): multer.StorageEngine => ({
  _handleFile(_req, file, callback) {
    // multer hands the engine the part's stream; @types/koa__multer's File omits it.
    const stream = (file as unknown as { stream: Readable }).stream;
    const hash = keepBytes ? undefined : createHash('sm3');
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (hash) hash.update(chunk);
      else chunks.push(chunk);
    });
    stream.on('error', (err: Error) => callback(err));
    stream.on('end', () => {
      if (size === 0) return callback(new ApiError(400, 'EMPTY_UPLOAD', `body.${file.fieldname}: the uploaded file is empty`));
      const kept = hash ? { sm3: hash.digest('hex') } : { bytes: new Uint8Array(Buffer.concat(chunks)) };
      callback(null, { size, ...kept } as unknown as multer.File);
    });
  },
  _removeFile(_req, _file, callback) {
    callback(null as unknown as Error);
  },
});

/** Parses a multipart body with one file field (and text fields) into `ctx.request.body` / `.file`. */
export function multipartDigest(fileField: string, maxBytes: number, keepBytes = false): Koa.Middleware {
  return multer({ storage: digestStorage(keepBytes), limits: { fileSize: maxBytes, files: 1, fields: 20, fieldSize: 64 * 1024 } }).single(fileField);
}

export function uploadedDigest(koa: Koa.ParameterizedContext): UploadedDigest | undefined {
  return (koa.request as unknown as { file?: UploadedDigest }).file;
}

/**
 * multer's and busboy's refusals of a multipart body, as the API's errors. Each is the client's: a
 * limit passed, a field the route does not take, a missing boundary, a form cut short. busboy's carry
 * no code or status, so they would otherwise be a 500.
 */
export function uploadError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  const e = err as { code?: unknown; message?: unknown };
  if (e.code === 'LIMIT_FILE_SIZE') return new ApiError(413, 'BODY_TOO_LARGE', 'the uploaded file is larger than this gateway accepts');
  return new ApiError(400, 'VALIDATION_FAILED', `multipart upload rejected: ${typeof e.message === 'string' ? e.message : String(err)}`);
}
