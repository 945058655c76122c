import { runFlavorConformance } from '../flavor.conformance.js';
import { nativeFixture } from './native-fixture.js';
import { nativeFlavor } from './native-flavor.js';

runFlavorConformance(nativeFlavor, async () => nativeFixture());
