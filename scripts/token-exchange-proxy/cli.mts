// CLI: npm run proxy -- NAME --target-uri URL [thv auth flags] [--compat toolhive] [--manifests FILE...]
import { FlagError, flagValue, helpText, parseArgs } from './flags.mts';
import { optionsFromManifests } from './manifests.mts';
import { optionsFromArgs, type ProxyOptions } from './options.mts';
import { readCaBundle, startProxy } from './server.mts';

async function main(argv: string[]): Promise<void> {
  const args = parseArgs(argv);
  if (flagValue<boolean>(args, 'help')) {
    process.stdout.write(helpText());
    return;
  }
  let options: ProxyOptions;
  const manifests = flagValue<string[]>(args, 'manifests');
  if (manifests.length > 0) {
    options = optionsFromManifests(manifests, args);
  } else {
    options = optionsFromArgs(args, process.env);
    if (!options.name) {
      throw new FlagError(
        'missing NAME: usage is `npm run proxy -- NAME --target-uri URL [flags]`',
      );
    }
    if (!options.targetUri)
      throw new FlagError('required flag --target-uri is not set', 'target-uri');
  }
  const proxy = await startProxy(options, {
    caBundlePem: readCaBundle(flagValue<string>(args, 'thv-ca-bundle')),
    defaultMetrics: true,
  });
  const stop = () => {
    void proxy.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main(process.argv.slice(2)).catch((e: unknown) => {
  const err = e as Error;
  process.stderr.write(`token-exchange-proxy: error: ${err.message}\n`);
  if (err instanceof FlagError) process.stderr.write('Run with --help to list the flags.\n');
  process.exit(2);
});
