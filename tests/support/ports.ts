export { freePort } from '../../tools/load/src/target/free-port';
