// Dot products over unit vectors stored row after row in one Float32Array (cosine similarity).

export function dot(matrix: Float32Array, row: number, vector: Float32Array): number {
  const dim = vector.length;
  const offset = row * dim;
  let sum = 0;
  for (let i = 0; i < dim; i++) sum += matrix[offset + i]! * vector[i]!;
  return sum;
}

/** Rows of the vectors, one after the other. */
export function stack(vectors: Float32Array[], dim: number): Float32Array {
  const matrix = new Float32Array(vectors.length * dim);
  vectors.forEach((vector, row) => matrix.set(vector, row * dim));
  return matrix;
}

/** The mean direction of several unit vectors, itself of unit length. */
export function centroid(vectors: Float32Array[], dim: number): Float32Array {
  const sum = new Float32Array(dim);
  for (const vector of vectors) for (let i = 0; i < dim; i++) sum[i] = sum[i]! + vector[i]!;
  let norm = 0;
  for (let i = 0; i < dim; i++) norm += sum[i]! * sum[i]!;
  norm = Math.sqrt(norm) || 1;
  for (let i = 0; i < dim; i++) sum[i] = sum[i]! / norm;
  return sum;
}
