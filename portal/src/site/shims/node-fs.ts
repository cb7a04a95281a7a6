/** `node:fs` for the browser: crypto's file digests (sm3File) read files by path, which a page cannot. */
export function createReadStream(): never {
  throw new Error('files are read with the File API in the browser');
}
