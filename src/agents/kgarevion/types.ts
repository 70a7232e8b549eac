// KGARevion's data shapes (medkit's own design; see ../shared/reference/kg-agents.md §1.6).
import type { JsonObject } from '../../core/index.js';
import type { LinkCandidate, RelationLink } from '../../kg/linking.js';

export type QueryType = 'yes_no' | 'yes_no_maybe' | 'mcq';

export interface QaItem {
  id: string;
  question: string;
  options: string[];
  /** The correct option letter, when known. */
  answer?: string;
}

export interface Triplet {
  head: string;
  relation: string;
  tail: string;
}

/** What Review found for one triplet. */
export interface Verdict {
  label: boolean;
  /** Probability the triplet is true, as the verifier estimates it (0.5 = unknown). */
  pTrue: number;
  linked: { head?: LinkCandidate; relation?: RelationLink; tail?: LinkCandidate };
  /** Which verifier decided, or which policy ('unlinkable-keep'...). */
  reason: string;
  evidence: JsonObject;
}

export interface LinkedTriplet {
  triplet: Triplet;
  head: LinkCandidate;
  relation: RelationLink;
  tail: LinkCandidate;
}

export interface TripletVerifier {
  readonly name: string;
  verify(input: LinkedTriplet, context: VerifyContext): Promise<Omit<Verdict, 'linked'>>;
}

/** What a verifier may use besides the triplet: the question (for LLM judges) and the solver context. */
export interface VerifyContext {
  question: string;
  generate?: (
    prompt: string,
    options: { maxTokens: number; topLogprobs?: number },
  ) => Promise<{
    text: string;
    logprobs?: { token: string; logprob: number; top: { token: string; logprob: number }[] }[];
  }>;
}

/** Upstream keeps an unlinkable triplet as True with p = 0.5 ('keep'); 'reject' sends it to Revise; 'drop' discards it. */
export type UnlinkablePolicy = 'keep' | 'reject' | 'drop';

export interface KgarevionOptions {
  /** Rounds of Revise per rejected triplet (upstream default 1). */
  maxRound?: number;
  revise?: boolean;
  unlinkable?: UnlinkablePolicy;
  /** Attempts for each JSON-producing call before the error is recorded (upstream: 5). */
  jsonAttempts?: number;
  /** Max new tokens: terms 128, triplets 256, revise 256, answer 30 upstream. */
  maxTokens?: { terms: number; triplets: number; revise: number; answer: number };
}

export interface TraceEntry {
  step: 'query-type' | 'terms' | 'generate' | 'review' | 'revise' | 'answer' | 'error';
  data: JsonObject;
}

/**
 * What Review could check, over every reviewed triplet (generated and revised): `linked` = head,
 * relation and tail all linked to the KG, so the verifier `verified` it; the others fell under the
 * unlinkable policy: accepted unchecked (keep, upstream's default), rejected unchecked, or dropped.
 */
export interface ReviewCoverage {
  reviewed: number;
  linked: number;
  headLinked: number;
  tailLinked: number;
  relationLinked: number;
  verified: number;
  acceptedUnchecked: number;
  rejectedUnchecked: number;
  dropped: number;
}

export interface KgarevionResult {
  queryType: QueryType;
  /** The chosen option letter, or undefined ("no answer" is recorded, never guessed). */
  answer: string | undefined;
  kept: { triplet: Triplet; verdict: Verdict }[];
  rejected: { triplet: Triplet; verdict: Verdict }[];
  coverage: ReviewCoverage;
  trace: TraceEntry[];
}
