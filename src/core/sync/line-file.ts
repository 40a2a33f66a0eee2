import { createHash, type Hash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'

/**
 * Reads a bundle file line by line ('\n'), hashing every byte as it goes, so a bundle far larger
 * than one blob never has to be in memory at once.
 */
export class LineReader {
  private readonly fd: number
  /** Read but not yet returned, after the last '\n' seen. */
  private buffer = Buffer.alloc(0)
  /** Earlier chunks of the current line (no '\n' in them), joined once its end is found. */
  private pending: Buffer[] = []
  private eof = false
  private readonly hash: Hash = createHash('sha256')
  bytesRead = 0

  constructor(
    file: string,
    private readonly chunkSize = 1 << 20,
  ) {
    this.fd = fs.openSync(file, 'r')
  }

  /**
   * The next line without its '\n', or null at the end of the file. A line spanning many chunks is
   * copied once: appending each chunk to the line so far made a 90 MB line (a bundle's signed
   * records) copy gigabytes, 45 s of an import (bench/cases/sync.ts).
   */
  next(): Buffer | null {
    for (;;) {
      const nl = this.buffer.indexOf(0x0a)
      if (nl >= 0) {
        const head = this.buffer.subarray(0, nl)
        this.buffer = this.buffer.subarray(nl + 1)
        return this.pending.length ? this.takePending(head) : head
      }
      if (this.eof) {
        if (this.pending.length === 0 && this.buffer.length === 0) return null
        const line = this.takePending(this.buffer)
        this.buffer = Buffer.alloc(0)
        return line
      }
      if (this.buffer.length) this.pending.push(this.buffer)
      const chunk = Buffer.allocUnsafe(this.chunkSize)
      const n = fs.readSync(this.fd, chunk, 0, this.chunkSize, null)
      if (n === 0) {
        this.eof = true
        this.buffer = Buffer.alloc(0)
      } else {
        this.buffer = chunk.subarray(0, n)
        this.hash.update(this.buffer)
        this.bytesRead += n
      }
    }
  }

  private takePending(tail: Buffer): Buffer {
    const line = Buffer.concat([...this.pending, tail])
    this.pending = []
    return line
  }

  /** SHA-256 (hex) of the whole file: reads to the end first. */
  fileSha256(): string {
    while (this.next() !== null) {
      /* drain */
    }
    return this.hash.digest('hex')
  }

  close(): void {
    fs.closeSync(this.fd)
  }
}

/**
 * Writes a file under a temporary name and renames it into place once complete and flushed, so a
 * crash or a full disk never leaves a half-written bundle under the name the user asked for.
 */
export class AtomicLineWriter {
  private readonly tmp: string
  private readonly fd: number
  private readonly hash: Hash = createHash('sha256')
  bytes = 0

  constructor(private readonly file: string) {
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true })
    this.tmp = `${file}.partial-${process.pid}-${Date.now()}`
    this.fd = fs.openSync(this.tmp, 'wx')
  }

  line(text: string | Uint8Array): void {
    // A view, not a copy, of bytes given (a bundle's body line is 100+ MB).
    const data =
      typeof text === 'string'
        ? Buffer.from(text, 'utf8')
        : Buffer.from(text.buffer, text.byteOffset, text.byteLength)
    for (const part of [data, Buffer.from('\n')]) {
      this.hash.update(part)
      let off = 0
      while (off < part.length) off += fs.writeSync(this.fd, part, off, part.length - off)
      this.bytes += part.length
    }
  }

  /** Flushes, renames into place; returns the file's SHA-256. */
  commit(): string {
    fs.fsyncSync(this.fd)
    fs.closeSync(this.fd)
    fs.renameSync(this.tmp, this.file)
    return this.hash.digest('hex')
  }

  abort(): void {
    try {
      fs.closeSync(this.fd)
    } catch {
      /* already closed */
    }
    fs.rmSync(this.tmp, { force: true })
  }
}
