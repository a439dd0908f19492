import { packageConfig } from '../../tsup.base';

// shims: import.meta.url in the CommonJS build, for the lazy require of the price table.
export default packageConfig(['src/index.ts'], { shims: true });
