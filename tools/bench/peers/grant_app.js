// Grant + Express as an integrator would run it (Grant's README: express-session, Grant mounted
// as middleware, transport "session"), one Node process, on loopback. The provider is GitHub
// with its URLs pointed at the Linkgate simulator; PKCE and state on, as Linkgate does.
//   node grant_app.js SIMULATOR_URL CLIENT_ID CLIENT_SECRET
// First stdout line: listening on http://127.0.0.1:PORT. /connect/github starts a flow; the
// callback route /done answers 200 JSON with what Grant fetched (access_token).
'use strict'
const express = require('express')
const session = require('express-session')
const grant = require('grant')

const [sim, key, secret] = process.argv.slice(2)
if (!sim || !key || !secret) {
  console.error('usage: node grant_app.js SIMULATOR_URL CLIENT_ID CLIENT_SECRET')
  process.exit(2)
}
const app = express()
const server = app.listen(0, '127.0.0.1', () => {
  const origin = `http://127.0.0.1:${server.address().port}`
  app.use(session({secret: require('crypto').randomBytes(32).toString('hex'),
                   resave: false, saveUninitialized: true}))
  app.use(grant.express({
    defaults: {origin, transport: 'session', state: true},
    github: {
      key, secret, scope: ['read:user'], pkce: true, callback: '/done',
      authorize_url: `${sim}/github/github.com/login/oauth/authorize`,
      access_url: `${sim}/github/github.com/login/oauth/access_token`,
    },
  }))
  app.get('/done', (req, res) => {
    const r = req.session.grant && req.session.grant.response
    if (!r || !r.access_token) return res.status(502).json(r || {error: 'no grant response'})
    res.json({access_token: r.access_token})
  })
  console.log(`listening on ${origin}`)
})
process.on('SIGTERM', () => process.exit(0))
