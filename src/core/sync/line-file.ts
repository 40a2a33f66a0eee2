import { createHash, type Hash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'

const NEWLINE = Buffer.from('\n')

/** The longest single read: a line longer than this is joined from parts. */
const LONG_READ = 256 << 20

/**
 * The buffer of the last long line read (a bundle body, 100+ MB), kept a while for the next one: on
 * this kind of machine fresh memory costs more per megabyte than reading, hashing, decrypting and
 * checking it (a page fault per 4 KB; docs/performance.md), and a hub imports bundles one after
 * another. Wiped when given back; dropped after KEEP_MS unused. A reader takes it only if it is big
 * enough and no other reader holds it.
 */
let kept: Buffer | null = null
let keptTimer: NodeJS.Timeout | undefined
const KEEP_MS = 60_000

function takeLong(size: number): Buffer {
  if (kept && kept.length >= size) {
    const b = kept
    kept = null
    clearTimeout(keptTimer)
    return b
  }
  return Buffer.allocUnsafe(size)
}

function giveBack(b: Buffer): void {
  b.fill(0)
  if (kept && kept.length >= b.length) return
  kept = b
  clearTimeout(keptTimer)
  keptTimer = setTimeout(() => (kept = null), KEEP_MS)
  keptTimer.unref()
}

/**
 * Reads a bundle file line by line ('\n'), hashing every byte as it goes, so a bundle far larger
 * than one blob never has to be in memory at once. A line returned (a view of the reader's buffers)
 * must not be used after `close`.
 */
export class LineReader {
  private readonly fd: number
  /** Read but not yet returned, after the last '\n' seen. */
  private buffer: Buffer = Buffer.alloc(0)
  /** Earlier chunks of the current line (no '\n' in them), joined once its end is found. */
  private pending: Buffer[] = []
  private eof = false
  private readonly hash: Hash = createHash('sha256')
  bytesRead = 0
  /** Size of the file when opened (only sizes reads: a file that grows is still read to its end). */
  private readonly size: number
  /** The buffers of long lines (taken with `takeLong`, given back on `close`). */
  private readonly long: Buffer[] = []

  constructor(
    file: string,
    private readonly chunkSize = 1 << 20,
  ) {
    this.fd = fs.openSync(file, 'r')
    this.size = fs.fstatSync(this.fd).size
  }

  /**
   * The next line without its '\n', or null at the end of the file. A long line (a bundle's signed
   * body, 100+ MB) is read into ONE buffer sized to the rest of the file (up to LONG_READ): neither re-concatenated chunk by chunk (a 90 MB line copied gigabytes, 45 s of an
   * import) nor joined from chunks at its end (fresh memory for 100+ MB costs more here than reading
   * it; bench/cases/sync.ts). Only a line longer than LONG_READ is joined from parts.
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
      const carried = this.buffer
      // Long: the line so far fills most of a chunk (a line merely straddling two chunks is not).
      const long = carried.length >= this.chunkSize / 2 || this.pending.length > 0
      const want = long
        ? Math.max(this.chunkSize, Math.min(this.size - this.bytesRead, LONG_READ))
        : this.chunkSize
      let chunk: Buffer
      let at = 0
      if (long && this.pending.length === 0 && carried.length + want <= LONG_READ + this.chunkSize) {
        const whole = takeLong(carried.length + want)
        this.long.push(whole)
        chunk = whole.subarray(0, carried.length + want)
        at = carried.copy(chunk, 0)
      } else {
        if (carried.length) this.pending.push(carried)
        chunk = Buffer.allocUnsafe(want)
      }
      const start = at
      while (at < chunk.length) {
        const n = fs.readSync(this.fd, chunk, at, chunk.length - at, null)
        if (n === 0) break
        at += n
      }
      if (at === start) this.eof = true
      const fresh = chunk.subarray(start, at)
      this.hash.update(fresh)
      this.bytesRead += fresh.length
      this.buffer = chunk.subarray(0, at)
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
    for (const b of this.long.splice(0)) giveBack(b)
    this.buffer = Buffer.alloc(0)
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
    this.part(text)
    this.part(NEWLINE)
  }

  /** Part of a line (a long line is written as it is made); `line('')` ends it. */
  part(text: string | Uint8Array): void {
    // A view, not a copy, of bytes given (a bundle's body line is 100+ MB).
    const data =
      typeof text === 'string'
        ? Buffer.from(text, 'utf8')
        : Buffer.from(text.buffer, text.byteOffset, text.byteLength)
    this.hash.update(data)
    let off = 0
    while (off < data.length) off += fs.writeSync(this.fd, data, off, data.length - off)
    this.bytes += data.length
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
