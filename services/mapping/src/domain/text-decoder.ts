import { TextDecoder } from 'node:util';

/** The encodings account lists arrive in: UTF-8 (with or without BOM) and Windows-1251 (Russian CRM exports). */
export type ImportEncoding = 'auto' | 'utf-8' | 'windows-1251';
export const IMPORT_ENCODINGS: readonly ImportEncoding[] = ['auto', 'utf-8', 'windows-1251'];

export class EncodingError extends Error {
  constructor(readonly byteOffset: number) {
    super(
      `the file is not valid UTF-8 (near byte ${byteOffset}); if it is a Windows-1251 export, ` +
        'import it with encoding windows-1251',
    );
    this.name = 'EncodingError';
  }
}

/**
 * Decodes a byte stream chunk by chunk (a multi-byte character may be split across chunks).
 * `auto`: a UTF-8 BOM or a first chunk that is valid UTF-8 means UTF-8, anything else
 * Windows-1251 (every byte is a character there). A UTF-8 stream that turns invalid later is
 * refused with the byte offset rather than read as garbage. The BOM is dropped.
 */
export class StreamTextDecoder {
  private decoder?: TextDecoder;
  private offset = 0;
  encoding: 'utf-8' | 'windows-1251' | undefined;

  constructor(requested: ImportEncoding = 'auto') {
    if (requested !== 'auto') this.use(requested);
  }

  private use(encoding: 'utf-8' | 'windows-1251'): void {
    this.encoding = encoding;
    this.decoder = new TextDecoder(encoding, encoding === 'utf-8' ? { fatal: true } : {});
  }

  decode(chunk: Uint8Array): string {
    if (!this.decoder) {
      const bom = chunk.length >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf;
      let utf8 = bom;
      if (!bom) {
        try {
          new TextDecoder('utf-8', { fatal: true }).decode(chunk, { stream: true });
          utf8 = true;
        } catch {
          utf8 = false;
        }
      }
      this.use(utf8 ? 'utf-8' : 'windows-1251');
    }
    try {
      const text = this.decoder!.decode(chunk, { stream: true });
      this.offset += chunk.length;
      return text;
    } catch {
      throw new EncodingError(this.offset);
    }
  }

  end(): string {
    if (!this.decoder) return '';
    try {
      return this.decoder.decode();
    } catch {
      throw new EncodingError(this.offset);
    }
  }
}
