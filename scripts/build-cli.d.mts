/** Types of scripts/build-cli.mjs for its TypeScript callers (the benchmark). */
export function buildCli(options?: {
  /** Default out/cli of this checkout. */
  outDir?: string
  /** esbuild options for the verifier kit's script (verifierBuildOptions); default: copy the prebuilt one. */
  verifierBuildOptions?: (entry: string) => Record<string, unknown>
}): Promise<string>
