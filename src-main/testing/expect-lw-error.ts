import { LwError } from '../shared/errors';

/** The LwError a promise rejects with; fails the test if it resolves or throws anything else. */
export async function caught(p: Promise<unknown>): Promise<LwError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof LwError) return e;
    throw e;
  }
  throw new Error('expected an LwError rejection');
}
