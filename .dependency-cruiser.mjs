// Layering rules of src/ (ARCHITECTURE.md, "Layers"), checked by `npm run lint:layers` in
// `npm run check`. Type-only imports count too: a type shared across layers belongs to the lower one.
/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    {
      name: 'no-cycles',
      severity: 'error',
      comment: 'An import cycle makes two modules one: neither can be understood, tested or moved alone.',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'domain-is-pure',
      severity: 'error',
      comment:
        'src/domain/ is pure rules: no I/O, no database, no venue, no HTTP, no Node built-ins with effects.',
      from: { path: '^src/domain/' },
      to: {
        path: '^src/(?!domain/)',
      },
    },
    {
      name: 'domain-no-io-builtins',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: {
        dependencyTypes: ['core'],
        path: '^(fs|net|http|https|child_process|dgram|dns|tls|worker_threads)$',
      },
    },
    {
      name: 'venue-below-execution',
      severity: 'error',
      comment: 'The venue adapters know nothing of the copy engine that calls them.',
      from: { path: '^src/venue/' },
      to: { path: '^src/(execution|ingest|services|http|app|jobs|telegram)/' },
    },
    {
      name: 'services-below-http',
      severity: 'error',
      comment: 'Services are the one RPC layer under HTTP, the bot and the CLI; they never import those.',
      from: { path: '^src/services/' },
      to: { path: '^src/(http|telegram|cli|app)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
