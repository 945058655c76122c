export { nativeFlavor } from './native-flavor.js';
