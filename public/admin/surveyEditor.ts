// The survey editor on the admin page: the shared Meethuis core (read only), then the organisation's own questions —
// its "Meethuis op maat". The admin edits a draft here; saving sends it whole (PUT …/survey/draft) and shows the
// API's plain-language checks next to the fields they name; publishing makes it the survey new conversations get.
// Every text comes from locales/*/admin.json under `survey`; texts from the API are only set as textContent.
import { ApiProblem, type TApiClient } from '../shared/api';
import { byId, element, show } from '../shared/dom';
import { readPageConfig, type TLanguage, type TPageConfig } from '../shared/texts';
import { openPreview } from './preview';

export const QUESTION_TYPES = ['choice', 'text', 'yesno', 'scale5', 'scale0to10', 'effort7'] as const;
type TQuestionType = (typeof QUESTION_TYPES)[number];
type TText = Record<TLanguage, string>;
type TValue = number | string;

interface TAnswerCondition {
  question: string;
  eq?: TValue;
  neq?: TValue;
  in?: TValue[];
  lt?: number;
  lte?: number;
  gt?: number;
  gte?: number;
  answered?: boolean;
}
type TCondition = TAnswerCondition | { allOf: TCondition[] } | { anyOf: TCondition[] };

/** One own question as the API holds it (TDraftQuestion). */
interface TDraftQuestion {
  key: string;
  type: TQuestionType;
  measures?: string;
  scale?: 'agreement' | 'satisfaction';
  allowDontKnow: boolean;
  showIf?: TCondition;
  text: TText;
  options?: string[];
  optionLabels?: Record<string, TText>;
}
interface TCheck {
  severity: 'error' | 'warning';
  rule: string;
  field: string;
  message: string;
  detail?: string;
}
interface TCoreQuestion {
  key: string;
  type: TQuestionType;
  measures: string | null;
  text: TText;
}
export interface TSurveyView {
  organisation: string;
  survey: string;
  core: { survey: string; version: number; questions: TCoreQuestion[] };
  draft: { version: number; questions: TDraftQuestion[]; updatedAt: string; updatedBy: string; checks: TCheck[]; publishable: boolean };
  published: Array<{ version: number; coreVersion: number | null; publishedAt: string }>;
  newerCoreAvailable: boolean;
  publishedVersion?: number;
}
/** A published version's own questions, as a survey file holds them. */
interface TVersionFile {
  version?: number;
  questions: Array<Partial<TDraftQuestion> & { key: string; type: TQuestionType; textKey?: string }>;
}

/** What the admin page lends the editor: its API client, its texts and its ways of saying things. */
export interface TEditorContext {
  api: TApiClient;
  token: () => string | null;
  t: (key: string, params?: Record<string, string | number>) => string;
  language: () => TLanguage;
  languages: readonly TLanguage[];
  /** A message in an element, again in the new language after a switch (the page's `say`). */
  say: (target: HTMLElement, key: string | null, params?: Record<string, string | number | { t: string }>) => void;
  /** A refusal not about a field: a token that stopped working signs out, anything else is said in `where`. */
  handleFailure: (failure: unknown, where: HTMLElement) => void;
  confirm: (heading: string, text: string, yes: string, tone: 'danger' | 'plain') => Promise<boolean>;
  formatDateTime: (iso: string) => string;
  /** Something was written: the audit log may show it. */
  changed: () => void;
}

// ---- the editor's own picture of the draft ------------------------------------------------------------------

type TOperator = 'eq' | 'neq' | 'lt' | 'lte' | 'gt' | 'gte' | 'answered' | 'notAnswered';
const ORDER_OPERATORS: readonly TOperator[] = ['lt', 'lte', 'gt', 'gte'];
type TEditCondition = { kind: 'always' } | { kind: 'simple'; question: string; operator: TOperator; value: string } | { kind: 'kept'; condition: TCondition };

interface TEditOption {
  uid: string;
  key: string;
  labels: TText;
}
/** A question as the editor holds it: a stable uid for its fields' ids, so a moved question keeps its messages. */
interface TEditQuestion {
  uid: string;
  key: string;
  type: TQuestionType;
  measures: string;
  scale: 'agreement' | 'satisfaction';
  allowDontKnow: boolean;
  condition: TEditCondition;
  text: TText;
  options: TEditOption[];
}

/** A message next to a field: the editor's own check before sending, or the API's refusal. */
interface TFieldError {
  id: string;
  key: string;
  params?: Record<string, string | number>;
}
/** An API check, tied to the field it names by the question's and the option's uid. */
interface TPlacedCheck {
  id: string;
  questionUid: string;
  check: TCheck;
}

/** What the server's survey schema fixes, from the page config: each measure's question type, the drivers, the scales. */
interface TSurveyRules {
  measureTypes: Record<string, TQuestionType>;
  drivers: string[];
  numericRanges: Partial<Record<TQuestionType, { min: number; max: number }>>;
}
const { measureTypes: MEASURE_TYPES, drivers: DRIVERS, numericRanges: NUMERIC_RANGES } = readPageConfig<TPageConfig & { survey: TSurveyRules }>().survey;
const KEY = /^[a-z][a-zA-Z0-9]*$/;
const MAX_QUESTIONS = 40;
const MAX_OPTIONS = 20;

export function createSurveyEditor(ctx: TEditorContext) {
  const { t } = ctx;
  let counter = 0;
  const uid = () => `n${++counter}`;

  const state = {
    organisation: '',
    view: null as TSurveyView | null,
    questions: [] as TEditQuestion[],
    /** The saved draft as the editor would send it: what "unsaved changes" is measured against. */
    saved: '',
    checks: [] as TPlacedCheck[],
    errors: [] as TFieldError[],
    /** What someone else saved first (409), until the admin chooses theirs or keeps their own. */
    stale: null as TSurveyView | null,
    /** The published version being looked at. */
    version: null as { number: number; file: TVersionFile } | null,
  };

  const path = (...parts: string[]) => `/organisations/${encodeURIComponent(state.organisation)}/survey${parts.map((part) => `/${encodeURIComponent(part)}`).join('')}`;
  const coreQuestions = () => state.view?.core.questions ?? [];
  const numberOf = (index: number) => coreQuestions().length + index + 1;
  const textIn = (text: Partial<TText> | undefined) => text?.[ctx.language()]?.trim() || ctx.languages.map((language) => text?.[language]?.trim()).find(Boolean) || '';

  // ---- from and to the API -----------------------------------------------------------------------------------

  function simpleCondition(condition: TCondition | undefined): TEditCondition {
    if (!condition) return { kind: 'always' };
    if ('allOf' in condition || 'anyOf' in condition) return { kind: 'kept', condition };
    const operators = (['eq', 'neq', 'lt', 'lte', 'gt', 'gte', 'answered'] as const).filter((operator) => condition[operator] !== undefined);
    if (condition.in !== undefined || operators.length !== 1) return { kind: 'kept', condition };
    const operator = operators[0]!;
    if (operator === 'answered') return { kind: 'simple', question: condition.question, operator: condition.answered ? 'answered' : 'notAnswered', value: '' };
    return { kind: 'simple', question: condition.question, operator, value: String(condition[operator]) };
  }

  function fromDraft(question: TDraftQuestion): TEditQuestion {
    const empty = (): TText => Object.fromEntries(ctx.languages.map((language) => [language, ''])) as TText;
    return {
      uid: uid(),
      key: question.key,
      type: question.type,
      measures: question.measures ?? '',
      scale: question.scale ?? 'agreement',
      allowDontKnow: question.allowDontKnow,
      condition: simpleCondition(question.showIf),
      text: { ...empty(), ...question.text },
      options: (question.options ?? []).map((key) => ({ uid: uid(), key, labels: { ...empty(), ...question.optionLabels?.[key] } })),
    };
  }

  /** The type of the question a condition may point at: a core one, or an own one before `index`. */
  function targetOf(key: string, index: number, questions: readonly TEditQuestion[] = state.questions): { type: TQuestionType; own?: TEditQuestion; number: number } | undefined {
    const core = coreQuestions().findIndex((question) => question.key === key);
    if (core >= 0) return { type: coreQuestions()[core]!.type, number: core + 1 };
    const own = questions.findIndex((question, at) => at < index && question.key.trim() === key);
    if (own >= 0) return { type: questions[own]!.type, own: questions[own]!, number: numberOf(own) };
    return undefined;
  }

  function conditionOf(question: TEditQuestion, index: number): TCondition | undefined {
    const condition = question.condition;
    if (condition.kind === 'always') return undefined;
    if (condition.kind === 'kept') return condition.condition;
    if (condition.operator === 'answered' || condition.operator === 'notAnswered') return { question: condition.question, answered: condition.operator === 'answered' };
    const type = targetOf(condition.question, index)?.type;
    const numeric = type !== undefined && NUMERIC_RANGES[type] !== undefined;
    const value: TValue = numeric || ORDER_OPERATORS.includes(condition.operator) ? Number(condition.value) : condition.value;
    return { question: condition.question, [condition.operator]: value };
  }

  function toDraft(question: TEditQuestion, index: number): TDraftQuestion {
    const showIf = conditionOf(question, index);
    return {
      key: question.key.trim(),
      type: question.type,
      ...(question.measures ? { measures: question.measures } : {}),
      ...(question.type === 'scale5' ? { scale: question.scale } : {}),
      allowDontKnow: question.type === 'text' ? false : question.allowDontKnow,
      ...(showIf ? { showIf } : {}),
      text: Object.fromEntries(ctx.languages.map((language) => [language, question.text[language].trim()])) as TText,
      ...(question.type === 'choice'
        ? {
            options: question.options.map((option) => option.key.trim()),
            optionLabels: Object.fromEntries(
              question.options.map((option) => [option.key.trim(), Object.fromEntries(ctx.languages.map((language) => [language, option.labels[language].trim()])) as TText]),
            ),
          }
        : {}),
    };
  }

  const draftNow = () => state.questions.map(toDraft);
  const isDirty = () => state.view !== null && JSON.stringify(draftNow()) !== state.saved;

  /** The editor shows a view: the draft's questions, its checks placed at their fields. */
  function useView(view: TSurveyView): void {
    state.view = view;
    state.stale = null;
    state.errors = [];
    state.questions = view.draft.questions.map(fromDraft);
    state.saved = JSON.stringify(draftNow());
    state.checks = view.draft.checks.flatMap((check): TPlacedCheck[] => {
      const place = placeOf(check.field);
      return place ? [{ id: place.id, questionUid: place.questionUid, check }] : [];
    });
  }

  /**
   * The field an API path names: `questions[1].text.pap`, `questions[0].optionLabels.appointment.en`, or (from zod)
   * `questions.0.key`. The id of its input, or of the nearest part of the question that has one.
   */
  function placeOf(field: string): { id: string; questionUid: string; index: number; rest: string[] } | undefined {
    const match = /^questions(?:\[(\d+)\]|\.(\d+))\.?(.*)$/.exec(field);
    if (!match) return undefined;
    const index = Number(match[1] ?? match[2]);
    const question = state.questions[index];
    if (!question) return undefined;
    const rest = (match[3] ?? '').replace(/\[(\d+)\]/g, '.$1').split('.').filter(Boolean);
    const base = `sq-${question.uid}`;
    const language = (value: string | undefined) => (ctx.languages as readonly string[]).includes(value ?? '') ? (value as TLanguage) : 'nl';
    const at = (id: string) => ({ id, questionUid: question.uid, index, rest });
    switch (rest[0]) {
      case 'text':
        return at(`${base}-text-${language(rest[1])}`);
      case 'key':
        return at(`${base}-key`);
      case 'type':
        return at(`${base}-type`);
      case 'scale':
        return at(`${base}-scale`);
      case 'allowDontKnow':
        return at(question.type === 'text' ? `${base}-type` : `${base}-dontknow`);
      case 'measures':
        return at(`${base}-measures`);
      case 'showIf':
        if (question.condition.kind !== 'simple') return at(`${base}-when`);
        return at(rest.includes('question') ? `${base}-when` : question.condition.operator === 'answered' || question.condition.operator === 'notAnswered' ? `${base}-op` : `${base}-value`);
      case 'options': {
        const option = rest[1] === undefined ? undefined : question.options[Number(rest[1])];
        return at(option ? `${base}-o-${option.uid}-key` : `${base}-options`);
      }
      case 'optionLabels': {
        const option = question.options.find((candidate) => candidate.key === rest[1]);
        return at(option ? `${base}-o-${option.uid}-${language(rest[2])}` : `${base}-options`);
      }
      default:
        return at(`${base}-type`);
    }
  }

  // ---- checks before sending ----------------------------------------------------------------------------------

  function checkStructure(): TFieldError[] {
    const errors: TFieldError[] = [];
    const coreKeys = new Set(coreQuestions().map((question) => question.key));
    state.questions.forEach((question, index) => {
      const base = `sq-${question.uid}`;
      const key = question.key.trim();
      if (key === '') errors.push({ id: `${base}-key`, key: 'survey.errors.keyRequired' });
      else if (!KEY.test(key)) errors.push({ id: `${base}-key`, key: 'survey.errors.keyFormat' });
      else if (coreKeys.has(key)) errors.push({ id: `${base}-key`, key: 'survey.errors.keyCore' });
      else if (state.questions.findIndex((other) => other.key.trim() === key) !== index) errors.push({ id: `${base}-key`, key: 'survey.errors.keyTwice' });
      if (question.type === 'choice') {
        if (question.options.length < 2) errors.push({ id: `${base}-options`, key: 'survey.errors.optionsTooFew' });
        question.options.forEach((option, at) => {
          const optionKey = option.key.trim();
          const id = `${base}-o-${option.uid}-key`;
          if (optionKey === '') errors.push({ id, key: 'survey.errors.keyRequired' });
          else if (!KEY.test(optionKey)) errors.push({ id, key: 'survey.errors.keyFormat' });
          else if (question.options.findIndex((other) => other.key.trim() === optionKey) !== at) errors.push({ id, key: 'survey.errors.optionTwice' });
        });
      }
      const condition = question.condition;
      if (condition.kind === 'simple') {
        const target = targetOf(condition.question, index);
        if (!target) errors.push({ id: `${base}-when`, key: 'survey.errors.conditionLater' });
        else if (condition.operator !== 'answered' && condition.operator !== 'notAnswered' && !valuesFor(target).some(([value]) => value === condition.value)) {
          // No value, or an option since renamed or removed.
          errors.push({ id: `${base}-value`, key: 'survey.errors.conditionValue' });
        }
      }
    });
    return errors;
  }

  /** An API refusal of the draft's structure, next to the field it names, in the page's words. */
  function structureError(failure: ApiProblem): TFieldError | undefined {
    const place = failure.field ? placeOf(failure.field) : undefined;
    if (!place) return undefined;
    const question = state.questions[place.index]!;
    const part = place.rest[0];
    if (part === 'key') {
      const key = question.key.trim();
      if (coreQuestions().some((core) => core.key === key)) return { id: place.id, key: 'survey.errors.keyCore' };
      if (state.questions.findIndex((other) => other.key.trim() === key) !== place.index) return { id: place.id, key: 'survey.errors.keyTwice' };
      return { id: place.id, key: 'survey.errors.keyFormat' };
    }
    if (part === 'showIf') return { id: place.id, key: place.id.endsWith('-when') ? 'survey.errors.conditionLater' : 'survey.errors.conditionValue' };
    if (part === 'options') return { id: place.id, key: place.rest[1] === undefined ? 'survey.errors.optionsTooFew' : 'survey.errors.keyFormat' };
    if (part === 'measures') return { id: place.id, key: 'survey.errors.measures' };
    if (part === 'allowDontKnow') return { id: place.id, key: question.type === 'text' ? 'survey.errors.field' : 'survey.errors.dontKnowDriver' };
    return { id: place.id, key: 'survey.errors.field' };
  }

  // ---- rendering ----------------------------------------------------------------------------------------------

  function field(id: string, labelText: string, control: HTMLElement, hint?: string): HTMLElement {
    const box = element('div', null, 'field');
    const label = element('label', labelText);
    label.htmlFor = id;
    box.append(label);
    const describedBy: string[] = [];
    if (hint) {
      box.append(hintOf(`${id}-hint`, hint));
      describedBy.push(`${id}-hint`);
    }
    control.id = id;
    box.append(control, ...messagesOf(id));
    describedBy.push(`${id}-error`, `${id}-checks`);
    control.setAttribute('aria-describedby', describedBy.join(' '));
    markInvalid(id, control);
    return box;
  }

  function hintOf(id: string, text: string): HTMLElement {
    const hint = element('p', text, 'hint');
    hint.id = id;
    return hint;
  }

  /** The message next to a field (the editor's or the API's refusal) and the API's checks of its text. */
  function messagesOf(id: string): HTMLElement[] {
    const error = element('p', null, 'field-error');
    error.id = `${id}-error`;
    const own = state.errors.find((candidate) => candidate.id === id);
    show(error, own ? t(own.key, own.params) : '');
    const list = element('ul', null, 'checks');
    list.id = `${id}-checks`;
    const checks = state.checks.filter((placed) => placed.id === id);
    list.append(
      ...checks.map(({ check }) => {
        const item = element('li', null, check.severity);
        item.append(element('strong', `${t(`survey.checks.${check.severity}`)}: `), checkText(check));
        return item;
      }),
    );
    list.hidden = checks.length === 0;
    return [error, list];
  }

  function markInvalid(id: string, control: HTMLElement): void {
    const wrong = state.errors.some((error) => error.id === id) || state.checks.some((placed) => placed.id === id && placed.check.severity === 'error');
    if (wrong) control.setAttribute('aria-invalid', 'true');
    else control.removeAttribute('aria-invalid');
  }

  const languageName = (language: string) => ((ctx.languages as readonly string[]).includes(language) ? t(`languageInSentence.${language}`) : language);

  /** A check in plain words, in the page's language; a rule the page does not know yet in the API's words. */
  function checkText(check: TCheck): string {
    const language = check.field.split('.').pop() ?? '';
    switch (check.rule) {
      case 'missing_text':
        return t('survey.checks.rules.missing_text', { language: languageName(language) });
      case 'two_questions':
        return t('survey.checks.rules.two_questions', { count: check.detail ?? '2' });
      case 'sentence_too_long':
        return t('survey.checks.rules.sentence_too_long', { count: check.detail ?? '', max: 25 });
      case 'long_sentence':
        return t('survey.checks.rules.long_sentence', { count: check.detail ?? '', max: 15 });
      case 'officialese': {
        // The everyday word is only in the API's message: `"indien" is officialese; write "als"`.
        const instead = /write "([^"]+)"/.exec(check.message)?.[1];
        return instead ? t('survey.checks.rules.officialese', { word: check.detail ?? '', instead }) : t('survey.checks.rules.officialeseWord', { word: check.detail ?? '' });
      }
      case 'passive':
        return t('survey.checks.rules.passive');
      case 'length_mismatch':
        return t('survey.checks.rules.length_mismatch', { language: languageName(check.detail ?? '') });
      default:
        return check.message;
    }
  }

  function select(options: Array<[string, string]>, value: string): HTMLSelectElement {
    const node = element('select');
    for (const [optionValue, text] of options) {
      const option = element('option', text);
      option.value = optionValue;
      node.append(option);
    }
    node.value = value;
    return node;
  }

  function textInput(value: string, onInput: (value: string) => void, language?: TLanguage): HTMLInputElement {
    const node = element('input');
    node.type = 'text';
    node.autocomplete = 'off';
    node.value = value;
    if (language) node.lang = language;
    node.addEventListener('input', () => {
      onInput(node.value);
      renderDirty();
    });
    return node;
  }

  function button(label: string, subject: string, className: string, onClick: () => void): HTMLButtonElement {
    const node = element('button', label, className);
    node.type = 'button';
    node.append(element('span', ` – ${subject}`, 'visually-hidden'));
    node.addEventListener('click', onClick);
    return node;
  }

  const short = (text: string, length = 70) => (text.length > length ? `${text.slice(0, length - 1).trimEnd()}…` : text);
  const typeName = (type: string) => t(`survey.types.${type}`);

  function render(): void {
    const view = state.view;
    byId('survey-editor').hidden = !view;
    if (!view) return;
    renderState();
    renderCore();
    renderOwn();
    renderAddTypes();
    renderSummary();
    renderDirty();
    renderStale();
    renderVersions();
    renderVersion();
    renderTry();
  }

  function renderState(): void {
    const view = state.view!;
    const live = view.published[0];
    byId('survey-live').textContent = live ? t('survey.state.published', { version: live.version, date: ctx.formatDateTime(live.publishedAt) }) : t('survey.state.notPublished');
    byId('survey-draft-state').textContent = view.draft.updatedBy
      ? t('survey.state.draftSaved', { date: ctx.formatDateTime(view.draft.updatedAt), name: view.draft.updatedBy })
      : t('survey.state.draftNew');
    byId('survey-newer-core').hidden = !view.newerCoreAvailable;
    byId('survey-newer-core-text').textContent = t('survey.newerCore', { version: view.core.version });
    byId<HTMLButtonElement>('survey-export-published').hidden = view.published.length === 0;
  }

  function renderCore(): void {
    byId('survey-core-intro').textContent = t('survey.core.intro', { count: coreQuestions().length });
    byId('survey-core').replaceChildren(
      ...coreQuestions().map((question) => {
        const item = element('li');
        const text = element('span', textIn(question.text), 'question-text');
        text.lang = ctx.language();
        item.append(text, ' ', element('span', typeName(question.type), 'badge off'));
        return item;
      }),
    );
  }

  function renderAddTypes(): void {
    const picker = byId<HTMLSelectElement>('survey-add-type');
    const chosen = picker.value || 'choice';
    picker.replaceChildren(...QUESTION_TYPES.map((type) => Object.assign(element('option', typeName(type)), { value: type })));
    picker.value = chosen;
    byId<HTMLButtonElement>('survey-add').disabled = state.questions.length >= MAX_QUESTIONS;
  }

  function renderOwn(): void {
    const list = byId('survey-own');
    list.replaceChildren(...state.questions.map((question, index) => questionItem(question, index)));
    // The list's start number follows the core: own questions are numbered as residents see them.
    list.setAttribute('start', String(coreQuestions().length + 1));
    byId('survey-own-empty').hidden = state.questions.length > 0;
  }

  function questionItem(question: TEditQuestion, index: number): HTMLElement {
    const base = `sq-${question.uid}`;
    const number = numberOf(index);
    const subject = t('survey.own.subject', { number });
    const item = element('li', null, 'own-question');
    const box = element('fieldset', null, 'question');
    box.id = base;
    const legend = element('legend', t('survey.own.legend', { number, type: typeName(question.type) }));
    legend.id = `${base}-legend`;
    box.append(legend);

    // What kind of question: changing it keeps the texts and the key.
    const type = select(
      QUESTION_TYPES.map((value) => [value, typeName(value)]),
      question.type,
    );
    type.addEventListener('change', () => changeType(question, type.value as TQuestionType));
    box.append(field(`${base}-type`, t('survey.fields.type'), type));

    // The text in each language, each with its own checks.
    const texts = element('fieldset', null, 'texts');
    texts.append(element('legend', t('survey.fields.text')), hintOf(`${base}-text-hint`, t('survey.fields.textHelp')));
    const grid = element('div', null, 'text-grid');
    for (const language of ctx.languages) {
      const area = element('textarea');
      area.rows = 2;
      area.lang = language;
      area.value = question.text[language];
      area.addEventListener('input', () => {
        question.text[language] = area.value;
        renderDirty();
      });
      const one = field(`${base}-text-${language}`, t(`nameIn.${language}`), area);
      area.setAttribute('aria-describedby', `${base}-text-hint ${area.getAttribute('aria-describedby') ?? ''}`.trim());
      grid.append(one);
    }
    texts.append(grid);
    box.append(texts);

    if (question.type === 'scale5') {
      const scale = select(
        (['agreement', 'satisfaction'] as const).map((value) => [value, t(`survey.fields.scales.${value}`)]),
        question.scale,
      );
      scale.addEventListener('change', () => {
        question.scale = scale.value as 'agreement' | 'satisfaction';
        renderDirty();
      });
      box.append(field(`${base}-scale`, t('survey.fields.scale'), scale));
    }
    if (question.type === 'choice') box.append(optionsOf(question));

    if (question.type !== 'text') {
      const choice = element('div', null, 'choice');
      const checkbox = element('input');
      checkbox.type = 'checkbox';
      checkbox.id = `${base}-dontknow`;
      checkbox.checked = question.allowDontKnow;
      checkbox.setAttribute('aria-describedby', `${base}-dontknow-error`);
      checkbox.addEventListener('change', () => {
        question.allowDontKnow = checkbox.checked;
        renderDirty();
      });
      const label = element('label', t('survey.fields.dontKnow'));
      label.htmlFor = checkbox.id;
      const error = messagesOf(`${base}-dontknow`)[0]!;
      markInvalid(`${base}-dontknow`, checkbox);
      const wrap = element('div');
      wrap.append(label, error);
      choice.append(checkbox, wrap);
      box.append(choice);
    }

    const key = textInput(question.key, (value) => {
      question.key = value;
    });
    key.spellcheck = false;
    key.classList.add('short');
    // A renamed question takes the conditions that point at it along.
    let before = question.key.trim();
    key.addEventListener('change', () => {
      const after = key.value.trim();
      const following = state.questions.filter((other) => before !== '' && other.condition.kind === 'simple' && other.condition.question === before);
      for (const other of following) if (other.condition.kind === 'simple') other.condition.question = after;
      before = after;
      if (following.length > 0) renderOwnKeepingFocus();
    });
    box.append(field(`${base}-key`, t('survey.fields.key'), key, t('survey.fields.keyHelp')));

    const measures = measuresFor(question);
    if (measures.length > 0 || question.measures) {
      const picker = select([['', t('survey.fields.measuresNone')], ...measures.map((measure): [string, string] => [measure, t(`survey.measures.${measure}`)])], question.measures);
      picker.addEventListener('change', () => {
        question.measures = picker.value;
        // The Meethuis model offers "don't know" for every driver.
        if (DRIVERS.includes(picker.value)) question.allowDontKnow = true;
        renderOwnKeepingFocus();
      });
      box.append(field(`${base}-measures`, t('survey.fields.measures'), picker, t('survey.fields.measuresHelp')));
    }

    box.append(conditionFields(question, index));

    const actions = element('div', null, 'row-actions');
    const up = button(t('survey.own.up'), subject, 'secondary', () => move(index, -1));
    up.id = `${base}-up`;
    up.disabled = index === 0;
    const down = button(t('survey.own.down'), subject, 'secondary', () => move(index, 1));
    down.id = `${base}-down`;
    down.disabled = index === state.questions.length - 1;
    const remove = button(t('survey.own.remove'), subject, 'secondary danger-text', () => removeQuestion(index));
    remove.id = `${base}-remove`;
    actions.append(up, down, remove);
    box.append(actions);
    item.append(box);
    return item;
  }

  /** The measures an own question may take: of its type, not measured by the core or by another own question. */
  function measuresFor(question: TEditQuestion): string[] {
    const taken = new Set([...coreQuestions().map((core) => core.measures), ...state.questions.filter((other) => other !== question).map((other) => other.measures)]);
    return Object.entries(MEASURE_TYPES)
      .filter(([measure, type]) => type === question.type && !taken.has(measure))
      .map(([measure]) => measure);
  }

  function optionsOf(question: TEditQuestion): HTMLElement {
    const base = `sq-${question.uid}`;
    const group = element('fieldset', null, 'options');
    group.id = `${base}-options`;
    group.setAttribute('aria-describedby', `${base}-options-hint ${base}-options-error`);
    group.append(element('legend', t('survey.fields.options')), hintOf(`${base}-options-hint`, t('survey.fields.optionsHelp')));
    const error = messagesOf(`${base}-options`)[0]!;
    group.append(error);
    const list = element('ol', null, 'option-list');
    question.options.forEach((option, at) => {
      const optionBase = `${base}-o-${option.uid}`;
      const item = element('li', null, 'option');
      const heading = element('p', t('survey.fields.option', { number: at + 1 }), 'option-heading');
      heading.id = `${optionBase}-heading`;
      item.append(heading);
      const key = textInput(option.key, (value) => {
        option.key = value;
      });
      key.spellcheck = false;
      key.classList.add('short');
      const keyField = field(`${optionBase}-key`, t('survey.fields.optionKey'), key, t('survey.fields.optionKeyHelp'));
      // Named with the option it belongs to ("Answer 2 – Short name"), since every option has the same labels.
      key.setAttribute('aria-labelledby', `${optionBase}-heading ${optionBase}-key-label`);
      keyField.querySelector('label')!.id = `${optionBase}-key-label`;
      const labels = element('div', null, 'text-grid labels');
      for (const language of ctx.languages) {
        const input = textInput(option.labels[language], (value) => {
          option.labels[language] = value;
        }, language);
        const one = field(`${optionBase}-${language}`, t(`nameIn.${language}`), input);
        one.querySelector('label')!.id = `${optionBase}-${language}-label`;
        input.setAttribute('aria-labelledby', `${optionBase}-heading ${optionBase}-${language}-label`);
        labels.append(one);
      }
      const remove = button(t('survey.fields.removeOption'), t('survey.fields.option', { number: at + 1 }), 'secondary danger-text', () => {
        question.options.splice(at, 1);
        renderOwnKeepingFocus(`${base}-add-option`);
        ctx.say(byId('survey-status'), 'survey.own.optionRemoved', { number: at + 1 });
      });
      item.append(keyField, labels, remove);
      list.append(item);
    });
    group.append(list);
    const add = button(t('survey.fields.addOption'), t('survey.own.subject', { number: numberOf(state.questions.indexOf(question)) }), 'secondary', () => {
      const option: TEditOption = { uid: uid(), key: '', labels: { nl: '', pap: '', en: '' } };
      question.options.push(option);
      renderOwnKeepingFocus(`${base}-o-${option.uid}-key`);
    });
    add.id = `${base}-add-option`;
    add.disabled = question.options.length >= MAX_OPTIONS;
    // aria-invalid belongs to inputs: the group says what is wrong through its message, which describes it.
    group.append(add);
    return group;
  }

  // ---- the condition: "only ask when <earlier question> <operator> <value>" ------------------------------------

  function operatorsFor(type: TQuestionType | undefined): TOperator[] {
    if (type === undefined) return ['eq', 'neq', 'answered', 'notAnswered'];
    if (NUMERIC_RANGES[type]) return ['lte', 'lt', 'eq', 'neq', 'gt', 'gte', 'answered', 'notAnswered'];
    if (type === 'text') return ['answered', 'notAnswered'];
    return ['eq', 'neq', 'answered', 'notAnswered'];
  }

  function valuesFor(target: { type: TQuestionType; own?: TEditQuestion }): Array<[string, string]> {
    const range = NUMERIC_RANGES[target.type];
    if (range) return Array.from({ length: range.max - range.min + 1 }, (_, at) => String(range.min + at)).map((value) => [value, value]);
    if (target.type === 'yesno') return [['yes', t('survey.condition.yes')], ['no', t('survey.condition.no')]];
    if (target.type === 'choice') {
      return (target.own?.options ?? []).filter((option) => option.key.trim() !== '').map((option) => [option.key.trim(), textIn(option.labels) || option.key.trim()]);
    }
    return [];
  }

  /** The condition in one sentence, in the page's language. */
  function describe(question: TEditQuestion, index: number, questions: readonly TEditQuestion[] = state.questions): string {
    const condition = question.condition;
    if (condition.kind === 'always') return t('survey.condition.always');
    if (condition.kind === 'kept') return t('survey.condition.kept');
    const target = targetOf(condition.question, index, questions);
    if (!target) return t('survey.errors.conditionLater');
    const value = valuesFor(target).find(([candidate]) => candidate === condition.value)?.[1] ?? condition.value;
    return t(`survey.condition.sentence.${condition.operator}`, { number: target.number, value });
  }

  function conditionFields(question: TEditQuestion, index: number): HTMLElement {
    const base = `sq-${question.uid}`;
    const group = element('fieldset', null, 'condition');
    group.append(element('legend', t('survey.condition.legend')));
    const summary = hintOf(`${base}-when-summary`, describe(question, index));
    summary.classList.add('summary');
    const condition = question.condition;
    // Earlier questions only: the core, then the own questions above this one.
    const earlier: Array<[string, string]> = [
      ...coreQuestions().map((core, at): [string, string] => [core.key, `${at + 1}. ${short(textIn(core.text))}`]),
      ...state.questions.slice(0, index).filter((own) => own.key.trim() !== '').map((own, at): [string, string] => [own.key.trim(), `${numberOf(at)}. ${short(textIn(own.text) || own.key)}`]),
    ];
    const chosen = condition.kind === 'simple' ? condition.question : condition.kind === 'kept' ? '*kept' : '';
    const options: Array<[string, string]> = [['', t('survey.condition.none')], ...(condition.kind === 'kept' ? [['*kept', t('survey.condition.keptOption')] as [string, string]] : []), ...earlier];
    // A condition on a question that is no longer before this one stays visible, so its message has a place.
    if (condition.kind === 'simple' && !earlier.some(([key]) => key === condition.question)) options.push([condition.question, condition.question]);
    const when = select(options, chosen);
    when.addEventListener('change', () => {
      if (when.value === '') question.condition = { kind: 'always' };
      else if (when.value !== '*kept') {
        const target = targetOf(when.value, index);
        const operator = operatorsFor(target?.type)[0]!;
        const first = target ? (valuesFor(target)[0]?.[0] ?? '') : '';
        // Satisfaction-like scales: "3 or lower" is the usual start for a follow-up question on a low score.
        const start = target && NUMERIC_RANGES[target.type] ? String(Math.round((NUMERIC_RANGES[target.type]!.min + NUMERIC_RANGES[target.type]!.max) / 2)) : first;
        question.condition = { kind: 'simple', question: when.value, operator, value: operator === 'answered' ? '' : start };
      }
      renderOwnKeepingFocus();
    });
    const whenField = field(`${base}-when`, t('survey.condition.question'), when);
    when.setAttribute('aria-describedby', `${base}-when-summary ${when.getAttribute('aria-describedby') ?? ''}`);
    group.append(whenField);

    if (condition.kind === 'simple') {
      const target = targetOf(condition.question, index);
      const row = element('div', null, 'condition-row');
      const operator = select(
        operatorsFor(target?.type).map((value) => [value, t(`survey.condition.operators.${value}`)]),
        condition.operator,
      );
      operator.addEventListener('change', () => {
        condition.operator = operator.value as TOperator;
        if (condition.operator === 'answered' || condition.operator === 'notAnswered') condition.value = '';
        else if (condition.value === '' && target) condition.value = valuesFor(target)[0]?.[0] ?? '';
        renderOwnKeepingFocus();
      });
      row.append(field(`${base}-op`, t('survey.condition.operator'), operator));
      if (condition.operator !== 'answered' && condition.operator !== 'notAnswered' && target) {
        const values = valuesFor(target);
        const value = select([...(values.some(([candidate]) => candidate === condition.value) ? [] : [['', '—'] as [string, string]]), ...values], condition.value);
        value.addEventListener('change', () => {
          condition.value = value.value;
          byId(`${base}-when-summary`).textContent = describe(question, index);
          renderDirty();
        });
        const range = NUMERIC_RANGES[target.type];
        row.append(field(`${base}-value`, t('survey.condition.value'), value, range ? t('survey.condition.range', range) : undefined));
      }
      group.append(row);
    }
    group.append(summary);
    return group;
  }

  // ---- changing the list ----------------------------------------------------------------------------------------

  /** Renders the questions again and puts the focus back where it was (or on `focusId`). */
  function renderOwnKeepingFocus(focusId?: string): void {
    const active = document.activeElement;
    const id = focusId ?? (active instanceof HTMLElement ? active.id : '');
    renderOwn();
    renderDirty();
    if (id) document.getElementById(id)?.focus();
  }

  function addQuestion(): void {
    if (state.questions.length >= MAX_QUESTIONS) return;
    const type = byId<HTMLSelectElement>('survey-add-type').value as TQuestionType;
    const question: TEditQuestion = {
      uid: uid(),
      key: '',
      type,
      measures: '',
      scale: 'agreement',
      allowDontKnow: false,
      condition: { kind: 'always' },
      text: { nl: '', pap: '', en: '' },
      options: type === 'choice' ? [0, 1].map(() => ({ uid: uid(), key: '', labels: { nl: '', pap: '', en: '' } })) : [],
    };
    state.questions.push(question);
    renderOwnKeepingFocus(`sq-${question.uid}-text-nl`);
    ctx.say(byId('survey-status'), 'survey.own.added', { number: numberOf(state.questions.length - 1), type: { t: `survey.types.${type}` } });
  }

  function changeType(question: TEditQuestion, type: TQuestionType): void {
    question.type = type;
    if (type === 'choice' && question.options.length === 0) question.options = [0, 1].map(() => ({ uid: uid(), key: '', labels: { nl: '', pap: '', en: '' } }));
    if (type === 'text') question.allowDontKnow = false;
    if (question.measures && MEASURE_TYPES[question.measures] !== type) question.measures = '';
    // Later conditions on this question may no longer fit its answers.
    for (const other of state.questions) {
      if (other.condition.kind === 'simple' && other.condition.question === question.key.trim() && !operatorsFor(type).includes(other.condition.operator)) {
        other.condition = { kind: 'simple', question: other.condition.question, operator: 'answered', value: '' };
      }
    }
    renderOwnKeepingFocus(`sq-${question.uid}-type`);
  }

  function move(index: number, by: -1 | 1): void {
    const question = state.questions[index]!;
    state.questions.splice(index, 1);
    state.questions.splice(index + by, 0, question);
    const edge = (by === -1 && index + by === 0) || (by === 1 && index + by === state.questions.length - 1);
    // At the top (or bottom) the button pressed is disabled: the other one keeps the focus.
    renderOwnKeepingFocus(`sq-${question.uid}-${edge ? (by === -1 ? 'down' : 'up') : by === -1 ? 'up' : 'down'}`);
    ctx.say(byId('survey-status'), 'survey.own.moved', { number: numberOf(index + by) });
  }

  function removeQuestion(index: number): void {
    const [removed] = state.questions.splice(index, 1);
    state.checks = state.checks.filter((placed) => placed.questionUid !== removed?.uid);
    const next = state.questions[index] ?? state.questions[index - 1];
    renderOwnKeepingFocus(next ? `sq-${next.uid}-type` : 'survey-add-type');
    ctx.say(byId('survey-status'), 'survey.own.removed', { number: numberOf(index) });
  }

  // ---- saving, publishing -----------------------------------------------------------------------------------

  function renderDirty(): void {
    const view = state.view;
    if (!view) return;
    const dirty = isDirty();
    byId('survey-dirty').hidden = !dirty;
    byId('survey-try-dirty').hidden = !dirty;
    const publish = byId<HTMLButtonElement>('survey-publish');
    publish.disabled = dirty || !view.draft.publishable;
    const why = dirty ? 'survey.publish.whyDirty' : !view.draft.publishable ? (view.draft.questions.length === 0 ? 'survey.publish.whyEmpty' : 'survey.publish.whyErrors') : 'survey.publish.ready';
    byId('survey-publish-why').textContent = t(why);
  }

  function renderSummary(): void {
    const errors = state.checks.filter((placed) => placed.check.severity === 'error');
    const warnings = state.checks.filter((placed) => placed.check.severity === 'warning');
    const box = byId('survey-summary');
    box.hidden = state.checks.length === 0;
    byId('survey-summary-text').textContent = t(errors.length > 0 ? 'survey.checks.summary' : 'survey.checks.summaryWarnings', { errors: errors.length, warnings: warnings.length });
    byId('survey-summary-list').replaceChildren(
      ...[...inPageOrder(errors, (placed) => placed.id), ...inPageOrder(warnings, (placed) => placed.id)].map((placed) => {
        const item = element('li', null, placed.check.severity);
        const index = state.questions.findIndex((question) => question.uid === placed.questionUid);
        const link = element('a', `${t('survey.own.subject', { number: numberOf(index) })}, ${fieldName(placed)}: ${checkText(placed.check)}`);
        link.href = `#${placed.id}`;
        link.addEventListener('click', (event) => {
          event.preventDefault();
          document.getElementById(placed.id)?.focus();
        });
        item.append(element('strong', `${t(`survey.checks.${placed.check.severity}`)}: `), link);
        return item;
      }),
    );
  }

  /** Where a check is, in words: "tekst in het Papiamentu", "antwoord 2 in het Engels". */
  function fieldName(placed: TPlacedCheck): string {
    const language = languageName(placed.check.field.split('.').pop() ?? '');
    const option = /\.optionLabels\./.test(placed.check.field);
    if (!option) return t('survey.checks.whereText', { language });
    const question = state.questions.find((candidate) => candidate.uid === placed.questionUid);
    const at = question?.options.findIndex((candidate) => placed.id.includes(`-o-${candidate.uid}-`)) ?? -1;
    return t('survey.checks.whereOption', { number: at + 1, language });
  }

  /** Fields in the order the page shows them (a check list is in the API's order, by rule). */
  function inPageOrder<T>(items: T[], idOf: (item: T) => string): T[] {
    const position = (item: T) => document.getElementById(idOf(item));
    return [...items].sort((a, b) => {
      const first = position(a);
      const second = position(b);
      if (!first || !second || first === second) return 0;
      return first.compareDocumentPosition(second) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1;
    });
  }

  /** The first of these fields on the page gets the focus (a group: its first input). */
  function focusFirst(ids: string[]): void {
    const first = inPageOrder(ids, (id) => id)
      .map((id) => document.getElementById(id))
      .find((node): node is HTMLElement => node !== null);
    if (!first) return;
    (first instanceof HTMLFieldSetElement ? first.querySelector<HTMLElement>('input, button') : first)?.focus();
  }

  async function put(body: unknown): Promise<TSurveyView> {
    let response: Response;
    try {
      response = await fetch(`/api/v1${path('draft')}`, {
        method: 'PUT',
        credentials: 'omit',
        headers: { Authorization: `Bearer ${ctx.token() ?? ''}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
    } catch {
      throw new ApiProblem('network', 0);
    }
    const text = await response.text();
    let data: Record<string, unknown> = {};
    try {
      data = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      // Not JSON (a proxy's page): the status says enough.
    }
    if (response.ok) return data as unknown as TSurveyView;
    const kinds: Record<number, ApiProblem['kind']> = { 400: 'invalid', 401: 'unauthorized', 403: 'forbidden', 404: 'notFound', 409: 'conflict', 429: 'rateLimited' };
    const textOf = (value: unknown) => (typeof value === 'string' ? value : undefined);
    throw new ApiProblem(kinds[response.status] ?? 'generic', response.status, textOf(data.code), textOf(data.field), textOf(data.detail), data.current);
  }

  function clearMessages(): void {
    state.errors = [];
    ctx.say(byId('survey-error'), null);
    ctx.say(byId('survey-publish-error'), null);
    ctx.say(byId('survey-status'), null);
  }

  async function save(event?: Event, { overwrite = false } = {}): Promise<void> {
    event?.preventDefault();
    const view = state.view;
    if (!view) return;
    clearMessages();
    byId('survey-stale').hidden = true;
    const errors = checkStructure();
    if (errors.length > 0) {
      state.errors = errors;
      renderOwn();
      focusFirst(errors.map((error) => error.id));
      ctx.say(byId('survey-error'), 'survey.errors.checkFields');
      return;
    }
    const button = byId<HTMLButtonElement>('survey-save');
    button.disabled = true;
    button.textContent = t('survey.save.saving');
    const base = overwrite && state.stale ? state.stale.draft.version : view.draft.version;
    try {
      const saved = await put({ version: base, questions: draftNow() });
      useView(saved);
      render();
      const errorCount = saved.draft.checks.filter((check) => check.severity === 'error').length;
      const warningCount = saved.draft.checks.length - errorCount;
      if (errorCount > 0) {
        ctx.say(byId('survey-status'), 'survey.save.savedWithErrors', { errors: errorCount, warnings: warningCount });
        focusFirst(state.checks.filter((placed) => placed.check.severity === 'error').map((placed) => placed.id));
      } else {
        ctx.say(byId('survey-status'), warningCount > 0 ? 'survey.save.savedWithWarnings' : 'survey.save.saved', { warnings: warningCount });
        byId('survey-publish-heading').focus();
      }
      ctx.changed();
    } catch (failure) {
      if (failure instanceof ApiProblem && failure.code === 'stale_version' && failure.current) {
        state.stale = failure.current as TSurveyView;
        renderStale();
        byId('survey-stale').hidden = false;
        byId('survey-stale-load').focus();
      } else if (failure instanceof ApiProblem && failure.kind === 'invalid' && failure.field === 'questions') {
        ctx.say(byId('survey-error'), 'survey.errors.noQuestions');
        byId('survey-add-type').focus();
      } else {
        const error = failure instanceof ApiProblem && failure.kind === 'invalid' ? structureError(failure) : undefined;
        if (error) {
          state.errors = [error];
          renderOwn();
          focusFirst([error.id]);
          ctx.say(byId('survey-error'), 'survey.errors.checkFields');
        } else {
          ctx.handleFailure(failure, byId('survey-error'));
        }
      }
    } finally {
      button.disabled = false;
      button.textContent = t('survey.save.button');
    }
  }

  function renderStale(): void {
    const stale = state.stale;
    byId('survey-stale').hidden = !stale;
    byId('survey-stale-text').textContent = stale ? t('survey.stale.text', { name: stale.draft.updatedBy || t('audit.unknownToken') }) : '';
  }

  function loadStale(): void {
    const current = state.stale;
    if (!current) return;
    useView(current);
    render();
    ctx.say(byId('survey-status'), 'survey.stale.loaded');
    byId('survey-own-heading').focus();
  }

  async function publish(): Promise<void> {
    const view = state.view;
    if (!view || isDirty() || !view.draft.publishable) return;
    clearMessages();
    const sure = await ctx.confirm(t('survey.publish.confirmHeading'), t('survey.publish.confirmText'), t('survey.publish.confirmYes'), 'plain');
    if (!sure) return;
    const button = byId<HTMLButtonElement>('survey-publish');
    button.disabled = true;
    const before = view.published[0]?.version;
    try {
      const published = await ctx.api.post<TSurveyView>(path('publish'), { version: view.draft.version });
      useView(published);
      render();
      const version = published.publishedVersion ?? published.published[0]?.version ?? 0;
      ctx.say(byId('survey-status'), version === before ? 'survey.publish.unchanged' : 'survey.publish.done', { version });
      byId('survey-versions-heading').focus();
      ctx.changed();
    } catch (failure) {
      if (failure instanceof ApiProblem && failure.code === 'stale_version' && failure.current) {
        useView(failure.current as TSurveyView);
        render();
        ctx.say(byId('survey-publish-error'), 'survey.publish.stale');
      } else if (failure instanceof ApiProblem && failure.code === 'not_publishable') {
        ctx.say(byId('survey-publish-error'), 'survey.publish.whyErrors');
        const place = failure.field ? placeOf(failure.field) : undefined;
        if (place) focusFirst([place.id]);
      } else {
        ctx.handleFailure(failure, byId('survey-publish-error'));
      }
    } finally {
      renderDirty();
    }
  }

  // ---- published versions ---------------------------------------------------------------------------------------

  function renderVersions(): void {
    const view = state.view!;
    const table = byId<HTMLTableElement>('survey-versions-table');
    table.hidden = view.published.length === 0;
    byId('survey-versions-empty').hidden = view.published.length > 0;
    table.tBodies[0]!.replaceChildren(
      ...view.published.map((published, at) => {
        const row = element('tr');
        const cell = (label: string, ...content: (Node | string)[]) => {
          const node = element('td');
          node.dataset.label = label;
          node.append(...content);
          return node;
        };
        const name = t('survey.versions.name', { version: published.version });
        const version = element('span', name);
        const versionCell = cell(t('survey.versions.version'), version);
        if (at === 0) versionCell.append(' ', element('span', t('survey.versions.live'), 'badge on'));
        const core = published.coreVersion === null ? t('survey.versions.coreOther') : t('survey.versions.name', { version: published.coreVersion });
        const open = button(t('survey.versions.view'), name, 'secondary', () => void viewVersion(published.version));
        open.dataset.version = String(published.version);
        row.append(versionCell, cell(t('survey.versions.published'), ctx.formatDateTime(published.publishedAt)), cell(t('survey.versions.core'), core), cell(t('services.actions'), open));
        return row;
      }),
    );
  }

  async function viewVersion(number: number): Promise<void> {
    ctx.say(byId('survey-version-error'), null);
    try {
      const file = await ctx.api.get<TVersionFile>(path('versions', String(number)));
      state.version = { number, file };
      renderVersion();
      byId('survey-version-heading').focus();
    } catch (failure) {
      byId('survey-version').hidden = false;
      ctx.handleFailure(failure, byId('survey-version-error'));
    }
  }

  function renderVersion(): void {
    const shown = state.version;
    byId('survey-version').hidden = !shown;
    if (!shown) return;
    byId('survey-version-heading').textContent = t('survey.versions.viewHeading', { version: shown.number });
    const list = byId('survey-version-questions');
    list.setAttribute('start', String(coreQuestions().length + 1));
    const ownQuestions = shown.file.questions.map((own) =>
      fromDraft({ ...own, allowDontKnow: false, text: { nl: '', pap: '', en: '', ...own.text } }),
    );
    list.replaceChildren(
      ...shown.file.questions.map((question, index) => {
        const item = element('li');
        const text = textIn(question.text);
        item.append(text ? element('span', text, 'question-text') : element('code', question.textKey ?? question.key), ' ', element('span', typeName(question.type), 'badge off'));
        if (question.type === 'choice' && question.options) {
          const options = element('ul', null, 'option-summary');
          options.append(...question.options.map((option) => element('li', textIn(question.optionLabels?.[option]) || option)));
          item.append(options);
        }
        // Described against the version's own questions: they are what its conditions point back at.
        if (question.showIf) item.append(element('p', describe(ownQuestions[index]!, index, ownQuestions), 'hint'));
        return item;
      }),
    );
  }

  function closeVersion(): void {
    const number = state.version?.number;
    state.version = null;
    renderVersion();
    const back = document.querySelector<HTMLButtonElement>(`#survey-versions-table button[data-version="${number}"]`);
    (back ?? byId('survey-versions-heading')).focus();
  }

  // ---- files ------------------------------------------------------------------------------------------------------

  async function exportFile(draft: boolean): Promise<void> {
    const view = state.view;
    if (!view) return;
    ctx.say(byId('survey-export-error'), null);
    try {
      const file = await ctx.api.download(path('export'), draft ? { draft: 'true' } : {});
      const link = element('a');
      link.href = URL.createObjectURL(file);
      link.download = draft ? `${view.survey}-draft.json` : `${view.survey}-v${view.published[0]?.version ?? 0}.json`;
      document.body.append(link);
      link.click();
      link.remove();
      // The browser reads the file after this turn: the address is given up only once it has.
      setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
      ctx.say(byId('survey-status'), draft ? 'survey.files.exportedDraft' : 'survey.files.exportedPublished');
    } catch (failure) {
      if (failure instanceof ApiProblem && failure.code === 'not_publishable') ctx.say(byId('survey-export-error'), 'survey.files.exportNotReady');
      else ctx.handleFailure(failure, byId('survey-export-error'));
    }
  }

  function importError(id: string, key: string, params: Record<string, string | number> = {}): void {
    const input = byId<HTMLInputElement>(id);
    input.setAttribute('aria-invalid', 'true');
    ctx.say(byId(`${id}-error`), key, params);
    input.focus();
  }

  async function importFile(event: Event): Promise<void> {
    event.preventDefault();
    const view = state.view;
    if (!view) return;
    const input = byId<HTMLInputElement>('survey-import-file');
    input.removeAttribute('aria-invalid');
    ctx.say(byId('survey-import-file-error'), null);
    clearMessages();
    const file = input.files?.[0];
    if (!file) return importError('survey-import-file', 'survey.files.chooseFile');
    let survey: unknown;
    try {
      survey = JSON.parse(await file.text());
    } catch {
      return importError('survey-import-file', 'survey.files.notJson');
    }
    if (view.draft.questions.length > 0 || isDirty()) {
      const sure = await ctx.confirm(t('survey.files.confirmHeading'), t('survey.files.confirmText'), t('survey.files.confirmYes'), 'danger');
      if (!sure) return;
    }
    try {
      const imported = await ctx.api.post<TSurveyView>(path('import'), { version: view.draft.version, survey });
      useView(imported);
      render();
      input.value = '';
      ctx.say(byId('survey-status'), 'survey.files.imported', { count: imported.draft.questions.length });
      byId('survey-own-heading').focus();
      ctx.changed();
    } catch (failure) {
      if (!(failure instanceof ApiProblem) || failure.kind !== 'invalid' && failure.code !== 'stale_version') return ctx.handleFailure(failure, byId('survey-import-file-error'));
      if (failure.code === 'stale_version') {
        if (failure.current) useView(failure.current as TSurveyView);
        render();
        return importError('survey-import-file', 'survey.files.stale');
      }
      // `survey.questions.2.core`, `survey.questions[2].text.en`: the question's number in the file.
      const at = /^survey\.questions(?:\.(\d+)|\[(\d+)\])/.exec(failure.field ?? '');
      const number = at ? Number(at[1] ?? at[2]) + 1 : 0;
      const key =
        failure.code === 'changes_core'
          ? 'survey.files.changesCore'
          : failure.code === 'not_publishable'
            ? 'survey.files.notReady'
            : number > 0
              ? 'survey.files.questionWrong'
              : 'survey.files.notASurvey';
      importError('survey-import-file', key, { number });
    }
  }

  // ---- trying the draft ---------------------------------------------------------------------------------------

  /** Closes the preview that is open, if one is. */
  let closePreview: (() => void) | null = null;

  function renderTry(): void {
    const picker = byId<HTMLSelectElement>('survey-try-language');
    const chosen = picker.value || ctx.language();
    picker.replaceChildren(...ctx.languages.map((language) => Object.assign(element('option', t(`languageNames.${language}`)), { value: language, lang: language })));
    picker.value = chosen;
    byId('survey-try-dirty').hidden = !isDirty();
    const frame = byId('survey-try-frame').querySelector('iframe');
    if (frame) frame.title = t('survey.try.frameTitle');
    byId('survey-try-start').textContent = t(frame ? 'survey.try.again' : 'survey.try.start');
  }

  /**
   * A chat with the real bot on the saved draft (./preview.ts): the web chat page at /admin/preview in a frame, handed
   * a conversation from the API that stores nothing. Pressed again, it starts afresh.
   */
  function startTry(): void {
    if (!state.view) return;
    ctx.say(byId('survey-try-error'), null);
    stopTry();
    const holder = byId('survey-try-frame');
    closePreview = openPreview(holder, {
      api: ctx.api,
      organisation: state.organisation,
      language: byId<HTMLSelectElement>('survey-try-language').value,
      title: t('survey.try.frameTitle'),
      onError: (failure) => {
        stopTry();
        if (failure instanceof ApiProblem && failure.kind === 'invalid') ctx.say(byId('survey-try-error'), 'survey.try.notReady');
        else ctx.handleFailure(failure, byId('survey-try-error'));
        byId('survey-try-start').focus();
      },
    });
    holder.hidden = false;
    byId('survey-try-stop').hidden = false;
    byId('survey-try-start').textContent = t('survey.try.again');
    ctx.say(byId('survey-status'), 'survey.try.started');
  }

  function stopTry(): void {
    closePreview?.();
    closePreview = null;
    const holder = byId('survey-try-frame');
    holder.replaceChildren();
    holder.hidden = true;
    byId('survey-try-stop').hidden = true;
    byId('survey-try-start').textContent = t('survey.try.start');
  }

  // ---- loading ------------------------------------------------------------------------------------------------

  async function load(organisation: string): Promise<void> {
    stopTry();
    state.organisation = organisation;
    state.view = null;
    state.version = null;
    state.stale = null;
    render();
    ctx.say(byId('survey-load-error'), null);
    try {
      const view = await ctx.api.get<TSurveyView>(path());
      if (state.organisation !== organisation) return;
      useView(view);
      render();
    } catch (failure) {
      ctx.handleFailure(failure, byId('survey-load-error'));
    }
  }

  function reset(): void {
    stopTry();
    state.organisation = '';
    state.view = null;
    state.questions = [];
    state.version = null;
    state.stale = null;
    render();
  }

  byId('survey-form').addEventListener('submit', (event) => void save(event));
  byId('survey-add').addEventListener('click', addQuestion);
  byId('survey-publish').addEventListener('click', () => void publish());
  byId('survey-stale-load').addEventListener('click', loadStale);
  byId('survey-stale-keep').addEventListener('click', () => void save(undefined, { overwrite: true }));
  byId('survey-version-close').addEventListener('click', closeVersion);
  byId('survey-export-draft').addEventListener('click', () => void exportFile(true));
  byId('survey-export-published').addEventListener('click', () => void exportFile(false));
  byId('survey-import-form').addEventListener('submit', (event) => void importFile(event));
  byId('survey-try-start').addEventListener('click', startTry);
  byId('survey-try-stop').addEventListener('click', () => {
    stopTry();
    byId('survey-try-start').focus();
  });
  // Leaving the page with unsaved questions asks first.
  window.addEventListener('beforeunload', (event) => {
    if (isDirty()) event.preventDefault();
  });

  return { load, reset, render, isDirty };
}
