#!/usr/bin/env node
// dynalite as a child of the devstack JVM. Differs from dynalite's own cli.js in two ways:
//  - it exits when its stdin reaches end-of-file. The parent holds the write end of that pipe, so
//    the pipe closes however the parent ends (exit, crash, kill -9) and no orphan keeps the port
//    or the LevelDB lock;
//  - --port 0 takes a free port, and the port actually bound is printed as the first stdout line
//    ("dynalite listening <host> <port>"), so the parent never races another process for a port.
//
// Usage: node dynalite-server.js [--host 127.0.0.1] [--port 0] [--path DIR] [--createTableMs N]
'use strict'

const { parseArgs } = require('node:util')
const dynalite = require('dynalite')

let options
try {
  options = parseArgs({
    options: {
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '0' },
      path: { type: 'string' },
      createTableMs: { type: 'string' },
      deleteTableMs: { type: 'string' },
      updateTableMs: { type: 'string' },
    },
    strict: true,
  }).values
} catch (err) {
  console.error('dynalite-server: ' + err.message)
  process.exit(2)
}

const port = Number(options.port)
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error('dynalite-server: --port must be an integer from 0 to 65535, got ' + options.port)
  process.exit(2)
}

const dynaliteOptions = {}
if (options.path) dynaliteOptions.path = options.path
for (const name of ['createTableMs', 'deleteTableMs', 'updateTableMs']) {
  if (options[name] !== undefined) dynaliteOptions[name] = Number(options[name])
}

const server = dynalite(dynaliteOptions)
let stopping = false

function stop (reason) {
  if (stopping) return
  stopping = true
  console.error('dynalite-server: stopping (' + reason + ')')
  // LevelDB is closed by server.close; keep-alive connections must not hold it open,
  // and a wedged close must not keep the process alive either.
  setTimeout(() => process.exit(0), 5000).unref()
  server.close(() => process.exit(0))
  if (typeof server.closeAllConnections === 'function') server.closeAllConnections()
}

server.on('error', err => {
  console.error('dynalite-server: ' + err.message)
  process.exit(1)
})

server.listen(port, options.host, () => {
  const address = server.address()
  process.stdout.write('dynalite listening ' + address.address + ' ' + address.port + '\n')
})

process.stdin.on('end', () => stop('stdin closed'))
process.stdin.on('error', () => stop('stdin error'))
process.stdin.resume()
process.on('SIGTERM', () => stop('SIGTERM'))
process.on('SIGINT', () => stop('SIGINT'))

// Belt and braces for a parent that shares its stdin with someone else: re-parenting means it died.
const parentPid = process.ppid
setInterval(() => {
  if (process.ppid !== parentPid) stop('parent ' + parentPid + ' exited')
}, 1000).unref()
