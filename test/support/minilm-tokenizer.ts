// A tiny BERT-style (MiniLM's) tokenizer.json: BertNormalizer (lower case), BertPreTokenizer, WordPiece with `##`
// continuations, and the [CLS] $A [SEP] template, over a vocabulary small enough for tinyTextEncoderOnnx (64 ids).
const WORDS = [
  'nodule',
  'mass',
  'lesion',
  'lung',
  'left',
  'right',
  'upper',
  'lower',
  'lobe',
  'heart',
  'liver',
  'kidney',
  'effusion',
  'pleural',
  'opacity',
  'tumor',
  'small',
  'large',
  'the',
  'of',
  'in',
  'and',
  'cyst',
  'brain',
];
const PIECES = ['##s', '##es', '##al', '##ar'];

export const MINILM_VOCAB: Record<string, number> = Object.fromEntries(
  ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', ...WORDS, ...PIECES].map((token, id) => [token, id]),
);

export function tinyMiniLmTokenizerJson(): Record<string, unknown> {
  const special = (content: string) => ({
    id: MINILM_VOCAB[content],
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'].map(special),
    normalizer: {
      type: 'BertNormalizer',
      clean_text: true,
      handle_chinese_chars: true,
      strip_accents: null,
      lowercase: true,
    },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
      ],
      pair: [],
      special_tokens: {
        '[CLS]': { id: '[CLS]', ids: [MINILM_VOCAB['[CLS]']], tokens: ['[CLS]'] },
        '[SEP]': { id: '[SEP]', ids: [MINILM_VOCAB['[SEP]']], tokens: ['[SEP]'] },
      },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: '[UNK]',
      continuing_subword_prefix: '##',
      max_input_chars_per_word: 100,
      vocab: MINILM_VOCAB,
    },
  };
}
