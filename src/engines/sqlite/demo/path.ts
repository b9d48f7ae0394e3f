import path from 'node:path';

/** Bump when the generated demo content changes: a new version is built beside the old one. */
export const DEMO_SHOP_VERSION = 1;

/** Where the embedded demo database lives; cheap to compute, no driver loaded. */
export function demoShopPath(stateDir: string): string {
  return path.join(stateDir, 'demo', `shop-v${DEMO_SHOP_VERSION}.db`);
}
