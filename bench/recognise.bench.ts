import { performance } from 'node:perf_hooks';
import { buildLexicon, recogniseAnswer } from '../src/dialogs/recognizers';
import type { TQuestion } from '../src/surveys/schema';
import { UNDERSTANDING_CORPUS } from '../tests/dialogs/understandingCorpus';
import type { TBenchmark } from './registry';

const QUESTIONS: Record<string, TQuestion> = {
  satisfaction: { key: 'satisfaction', type: 'scale5', scale: 'satisfaction', core: true, textKey: 'questions.satisfaction', allowDontKnow: true },
  agreement: { key: 'ease', type: 'scale5', scale: 'agreement', core: true, textKey: 'questions.ease', allowDontKnow: true },
  effort: { key: 'effort', type: 'effort7', scale: 'effort', core: true, textKey: 'questions.effort', allowDontKnow: true },
  likelihood: { key: 'recommend', type: 'scale0to10', scale: 'likelihood', core: true, textKey: 'questions.recommend', allowDontKnow: true },
  yesno: { key: 'solved', type: 'yesno', core: false, textKey: 'questions.solved', allowDontKnow: true },
};

/**
 * How long the recogniser takes to read one typed answer: every phrase of the labelled corpus (typos, emoji, frames,
 * negations), each timed on its own after a warm-up, in the running process (no database).
 */
const benchmark: TBenchmark = {
  name: 'recognise',
  async run(context) {
    const lexicon = buildLexicon();
    const rounds = context.quick ? 20 : 200;
    const read = () => {
      for (const entry of UNDERSTANDING_CORPUS) recogniseAnswer(QUESTIONS[entry.scale]!, entry.phrase, entry.language, lexicon);
    };
    for (let warm = 0; warm < 20; warm++) read();
    const micros: number[] = [];
    for (let round = 0; round < rounds; round++) {
      for (const entry of UNDERSTANDING_CORPUS) {
        const started = performance.now();
        recogniseAnswer(QUESTIONS[entry.scale]!, entry.phrase, entry.language, lexicon);
        micros.push((performance.now() - started) * 1000);
      }
    }
    micros.sort((a, b) => a - b);
    const at = (share: number) => Math.round(micros[Math.min(micros.length - 1, Math.floor(share * micros.length))]! * 10) / 10;
    context.report({ name: 'recognise', phrases: UNDERSTANDING_CORPUS.length, readings: micros.length, medianUs: at(0.5), p99Us: at(0.99) });
  },
};

export default benchmark;
