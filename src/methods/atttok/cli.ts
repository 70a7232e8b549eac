// `medkit atttok tokens | parse | export`: the attribute-token registry, the checker for generated text, and
// the artefacts for the released LoRA training. The evaluation is a benchmark: `medkit eval atttok-classification`.
import type { Command } from 'commander';
import type { CliCommand } from '../../cli/command.js';
import { type AttributeRegistry, fundusDrRegistry, readRegistry } from './attributes.js';
import { exportAtttok } from './export.js';
import { formatTarget, parseAttributes } from './format.js';

const registryFrom = (file?: string): AttributeRegistry => (file ? readRegistry(file) : fundusDrRegistry());

export const atttokCommand: CliCommand = {
  name: 'atttok',
  register(program: Command) {
    const atttok = program.command('atttok').description('AttTok attribute tokens: registry, checker, trainer export');
    atttok
      .command('tokens')
      .description('list the attribute tokens with their targets (default: the released fundus DR set)')
      .option(
        '--attributes <file>',
        'registry: .json/.yaml list of {modality, concept, keyword, synonyms} or attribute_list.txt',
      )
      .action((options: { attributes?: string }) => {
        const registry = registryFrom(options.attributes);
        for (const entry of registry.entries) console.log(`${entry.token.padEnd(28)} ${formatTarget(entry)}`);
      });
    atttok
      .command('parse')
      .description('check generated text: attribute tokens, unknown tokens, consistency with the free text (JSON)')
      .argument('<text>', 'the generated text')
      .option('--attributes <file>', 'registry file')
      .action((text: string, options: { attributes?: string }) => {
        const parsed = parseAttributes(text, registryFrom(options.attributes));
        console.log(
          JSON.stringify(
            { ...parsed, attributes: parsed.attributes.map((entry) => ({ token: entry.token, label: entry.keyword })) },
            null,
            2,
          ),
        );
        if (parsed.problems.length) process.exitCode = 1;
      });
    atttok
      .command('export')
      .description('write attribute_list.txt, special tokens, samples.json, the LoRA config and trainer settings')
      .requiredOption('--out <dir>', 'output folder')
      .option('--attributes <file>', 'registry file')
      .option('--data <file>', 'classification JSONL {id, image, label, question?, choices?, answer_type?}')
      .option('--tokenizer <file>', "the base model's tokenizer.json (writes added_tokens.json with the new ids)")
      .action(async (options: { out: string; attributes?: string; data?: string; tokenizer?: string }) => {
        const result = await exportAtttok(registryFrom(options.attributes), options.out, options);
        for (const file of result.files) console.log(`wrote ${file}`);
        for (const note of result.notes) console.log(note);
        if (options.data) console.log(`${result.samples} training samples`);
      });
  },
};
