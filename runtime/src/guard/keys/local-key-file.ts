import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { open, readFile, stat } from 'node:fs/promises';
import { contextBytes, type KeyProvider, type WrapContext } from './provider.ts';

/**
 * Development key provider: the KEK is 32 random bytes, base64, in a file only its owner may read (0600, like an
 * SSH key). Data keys are wrapped with AES-256-GCM under it, the tenant and key id as associated data.
 */
export async function createLocalKeyFile(path: string): Promise<void> {
  let handle;
  try {
    handle = await open(path, 'wx', 0o600);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(code === 'EEXIST' ? `key file ${path} already exists; refusing to overwrite a KEK` : `cannot create key file ${path}: ${code ?? error}`);
  }
  try {
    await handle.writeFile(`${randomBytes(32).toString('base64')}\n`);
  } finally {
    await handle.close();
  }
}

export async function openLocalKeyFile(path: string): Promise<KeyProvider> {
  let mode: number;
  let text: string;
  try {
    mode = (await stat(path)).mode;
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new Error(`cannot read key file ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
  if ((mode & 0o077) !== 0) {
    throw new Error(`key file ${path} is readable by group or others (mode ${(mode & 0o777).toString(8)}); run chmod 600 ${path}`);
  }
  const kek = Buffer.from(text.trim(), 'base64');
  if (kek.length !== 32) throw new Error(`key file ${path} must hold 32 bytes in base64 (found ${kek.length})`);
  const kekId = `local:${createHash('sha256').update(kek).digest('hex').slice(0, 16)}`;
  return {
    name: 'local-file',
    kekId,
    async wrap(dataKey: Buffer, context: WrapContext) {
      const nonce = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', kek, nonce);
      cipher.setAAD(contextBytes(context));
      const body = Buffer.concat([cipher.update(dataKey), cipher.final()]);
      return Buffer.concat([nonce, body, cipher.getAuthTag()]).toString('base64');
    },
    async unwrap(wrapped: string, context: WrapContext) {
      const raw = Buffer.from(wrapped, 'base64');
      try {
        const decipher = createDecipheriv('aes-256-gcm', kek, raw.subarray(0, 12));
        decipher.setAAD(contextBytes(context));
        decipher.setAuthTag(raw.subarray(raw.length - 16));
        return Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]);
      } catch {
        throw new Error(`cannot unwrap data key ${context.keyId} of tenant ${context.tenant} with ${kekId}: wrong key file or tampered key`);
      }
    },
  };
}
