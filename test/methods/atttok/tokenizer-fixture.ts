// A tiny WordLevel tokenizer.json (the Hugging Face format) with chosen special tokens added.
export function tinyTokenizerJson(special: string[], firstId = 100): Record<string, unknown> {
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: special.map((content, index) => ({
      id: firstId + index,
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: null,
    pre_tokenizer: { type: 'Whitespace' },
    post_processor: null,
    decoder: null,
    model: {
      type: 'WordLevel',
      vocab: { '[UNK]': 0, mild: 1, dr: 2, no: 3, '<': 4, '|': 5, '>': 6 },
      unk_token: '[UNK]',
    },
  };
}
