/**
 * LevelDB's write-ahead log format (leveldb doc/log_format.md): 32 KiB blocks of records, each a 7-byte
 * header (CRC32C 4, length 2 little-endian, type 1) and its payload, never crossing a block; fewer than
 * 7 bytes left in a block are zero padding.
 */
const BLOCK_SIZE = 32 * 1024;
const HEADER_SIZE = 7;

/**
 * How many bytes at the end of a log LevelDB skips without a word: a header, or a record's payload,
 * that runs past the end of the file is taken for a write the process died in (log_reader.cc), even
 * when a flipped bit in a length made it so. 0 when the records end where the file does. A record that
 * overruns its block elsewhere is left to LevelDB, which reports it in its LOG.
 */
export function unframedTail(log: Uint8Array): number {
  let offset = 0;
  while (offset < log.length) {
    const blockEnd = offset - (offset % BLOCK_SIZE) + BLOCK_SIZE;
    if (blockEnd - offset < HEADER_SIZE) {
      offset = blockEnd;
      continue;
    }
    // Only in a last block the file cuts short does LevelDB take an overrun for a cut-off write.
    const lastBlock = blockEnd > log.length;
    if (log.length - offset < HEADER_SIZE) return log.length - offset;
    const end = offset + HEADER_SIZE + (log[offset + 4]! | (log[offset + 5]! << 8));
    if (end <= Math.min(blockEnd, log.length)) offset = end;
    else if (lastBlock) return log.length - offset;
    else offset = blockEnd;
  }
  return 0;
}
