// One mongoose connection per process. The same code runs on MongoDB (production) and FerretDB
// (local stack, tests), so models stay inside the feature subset described in MONGODB.md.
import mongoose from 'mongoose';

export async function connectMongo(uri: string, { timeoutMs = 10_000 } = {}): Promise<typeof mongoose> {
  mongoose.set('strictQuery', true);
  return mongoose.connect(uri, { serverSelectionTimeoutMS: timeoutMs, autoIndex: true });
}

/** Pings the server; resolves with an error message instead of throwing, for health checks. */
export async function mongoHealth(timeoutMs = 2000): Promise<{ ok: boolean; error?: string }> {
  const db = mongoose.connection.db;
  if (mongoose.connection.readyState !== 1 || !db) return { ok: false, error: 'not connected' };
  try {
    await withTimeout(db.admin().ping(), timeoutMs);
    return { ok: true };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
}

export async function disconnectMongo(): Promise<void> {
  await mongoose.disconnect();
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    promise.then(
      (value) => (clearTimeout(timer), resolve(value)),
      (error: unknown) => (clearTimeout(timer), reject(error)),
    );
  });
}
