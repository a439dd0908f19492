import { readFileSync } from 'node:fs';
import { packageConfig } from '../../tsup.base';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };

export default packageConfig(['src/index.ts'], { define: { __PACKAGE_VERSION__: JSON.stringify(version) } });
