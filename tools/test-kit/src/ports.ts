export { freePort } from '../../load/src/target/free-port';
