// oauth2-mock-server, started as its README shows (one RS256 key, programmatic start), on
// loopback port 0. First stdout line: listening on http://127.0.0.1:PORT.
import { OAuth2Server } from 'oauth2-mock-server';

const server = new OAuth2Server();
await server.issuer.keys.generate('RS256');
await server.start(0, '127.0.0.1');
console.log(`listening on http://127.0.0.1:${server.address().port}`);
process.on('SIGTERM', () => process.exit(0));
