/** A small multinomial logistic regression (softmax) in plain TypeScript: enough for iris. */

export interface Dataset {
  featureNames: string[];
  classes: string[];
  /** One row per sample. */
  features: number[][];
  /** Index into `classes`, one per sample. */
  labels: number[];
}

export interface Model {
  featureNames: string[];
  classes: string[];
  /** Standardization learned on the training set. */
  mean: number[];
  std: number[];
  /** weights[class][feature] */
  weights: number[][];
  bias: number[];
}

export interface Metrics {
  samples: number;
  accuracy: number;
  /** Mean cross-entropy of the true class. */
  logLoss: number;
  /** confusion[actual][predicted] */
  confusion: number[][];
}

export function parseCsv(text: string): Dataset {
  const [header, ...lines] = text.trim().split(/\r?\n/);
  if (!header) throw new Error("The dataset is empty.");
  const columns = header.split(",");
  const featureNames = columns.slice(0, -1);
  const classes: string[] = [];
  const features: number[][] = [];
  const labels: number[] = [];
  for (const [i, line] of lines.entries()) {
    const cells = line.split(",");
    if (cells.length !== columns.length) throw new Error(`Line ${i + 2} has ${cells.length} columns, not ${columns.length}.`);
    const row = cells.slice(0, -1).map(Number);
    if (row.some((v) => !Number.isFinite(v))) throw new Error(`Line ${i + 2} has a non-numeric feature.`);
    const label = cells.at(-1)!.trim();
    if (!classes.includes(label)) classes.push(label);
    features.push(row);
    labels.push(classes.indexOf(label));
  }
  return { featureNames, classes, features, labels };
}

/** A seeded random generator (mulberry32), so a split is reproducible and cacheable. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Stratified split: each class keeps its share in both parts. */
export function splitDataset(data: Dataset, testFraction: number, seed: number): { train: Dataset; test: Dataset } {
  const random = seededRandom(seed);
  const trainIdx: number[] = [];
  const testIdx: number[] = [];
  for (let c = 0; c < data.classes.length; c++) {
    const members = data.labels.flatMap((label, i) => (label === c ? [i] : []));
    for (let i = members.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [members[i], members[j]] = [members[j]!, members[i]!];
    }
    const nTest = Math.round(members.length * testFraction);
    testIdx.push(...members.slice(0, nTest));
    trainIdx.push(...members.slice(nTest));
  }
  const pick = (idx: number[]): Dataset => ({
    featureNames: data.featureNames,
    classes: data.classes,
    features: idx.map((i) => data.features[i]!),
    labels: idx.map((i) => data.labels[i]!),
  });
  return { train: pick(trainIdx.sort((a, b) => a - b)), test: pick(testIdx.sort((a, b) => a - b)) };
}

function softmax(scores: number[]): number[] {
  const max = Math.max(...scores);
  const exps = scores.map((s) => Math.exp(s - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

function standardize(row: number[], mean: number[], std: number[]): number[] {
  return row.map((v, j) => (v - mean[j]!) / std[j]!);
}

/** Full-batch gradient descent on the cross-entropy with L2 regularisation. */
export function trainSoftmax(data: Dataset, options: { learningRate: number; epochs: number; l2: number }): Model {
  const nFeatures = data.featureNames.length;
  const nClasses = data.classes.length;
  const n = data.features.length;
  const mean = Array.from({ length: nFeatures }, (_, j) => data.features.reduce((s, row) => s + row[j]!, 0) / n);
  const std = Array.from({ length: nFeatures }, (_, j) => {
    const variance = data.features.reduce((s, row) => s + (row[j]! - mean[j]!) ** 2, 0) / n;
    return Math.sqrt(variance) || 1;
  });
  const x = data.features.map((row) => standardize(row, mean, std));
  const weights = Array.from({ length: nClasses }, () => new Array<number>(nFeatures).fill(0));
  const bias = new Array<number>(nClasses).fill(0);

  for (let epoch = 0; epoch < options.epochs; epoch++) {
    const gradW = Array.from({ length: nClasses }, () => new Array<number>(nFeatures).fill(0));
    const gradB = new Array<number>(nClasses).fill(0);
    for (let i = 0; i < n; i++) {
      const p = softmax(weights.map((w, c) => bias[c]! + w.reduce((s, wj, j) => s + wj * x[i]![j]!, 0)));
      for (let c = 0; c < nClasses; c++) {
        const error = p[c]! - (data.labels[i] === c ? 1 : 0);
        gradB[c]! += error / n;
        for (let j = 0; j < nFeatures; j++) gradW[c]![j]! += (error * x[i]![j]!) / n;
      }
    }
    for (let c = 0; c < nClasses; c++) {
      bias[c]! -= options.learningRate * gradB[c]!;
      for (let j = 0; j < nFeatures; j++) {
        weights[c]![j]! -= options.learningRate * (gradW[c]![j]! + options.l2 * weights[c]![j]!);
      }
    }
  }
  return { featureNames: data.featureNames, classes: data.classes, mean, std, weights, bias };
}

export function predictProbabilities(model: Model, row: number[]): number[] {
  const x = standardize(row, model.mean, model.std);
  return softmax(model.weights.map((w, c) => model.bias[c]! + w.reduce((s, wj, j) => s + wj * x[j]!, 0)));
}

export function evaluateModel(model: Model, data: Dataset): Metrics {
  const k = model.classes.length;
  const confusion = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  let correct = 0;
  let loss = 0;
  data.features.forEach((row, i) => {
    const p = predictProbabilities(model, row);
    const predicted = p.indexOf(Math.max(...p));
    const actual = data.labels[i]!;
    confusion[actual]![predicted]!++;
    if (predicted === actual) correct++;
    loss -= Math.log(Math.max(p[actual]!, 1e-12));
  });
  const samples = data.features.length;
  return { samples, accuracy: correct / samples, logLoss: loss / samples, confusion };
}
