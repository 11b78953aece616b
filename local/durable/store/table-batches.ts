import type { TableClient, TransactionAction } from '@azure/data-tables';

// An entity group transaction holds at most 100 operations and 4 MiB.
const MAX_OPERATIONS = 100;
const MAX_CHARS = 1_000_000;

function size(action: TransactionAction): number {
  return JSON.stringify(action[1]).length;
}

/** Submits operations on one partition in as few transactions as the limits allow. */
export async function submitInBatches(table: TableClient, actions: TransactionAction[]): Promise<void> {
  let batch: TransactionAction[] = [];
  let chars = 0;
  for (const action of actions) {
    const s = size(action);
    if (batch.length > 0 && (batch.length >= MAX_OPERATIONS || chars + s > MAX_CHARS)) {
      await table.submitTransaction(batch);
      batch = [];
      chars = 0;
    }
    batch.push(action);
    chars += s;
  }
  if (batch.length > 0) await table.submitTransaction(batch);
}

export function isNotFound(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { statusCode?: unknown }).statusCode === 404;
}

/** Deletes rows of one partition; rows already gone are not an error. */
export async function deleteRows(table: TableClient, partitionKey: string, rowKeys: string[]): Promise<void> {
  if (rowKeys.length === 0) return;
  try {
    await submitInBatches(
      table,
      rowKeys.map((rowKey): TransactionAction => ['delete', { partitionKey, rowKey }]),
    );
  } catch {
    // A transaction fails as a whole when one row is missing: delete one by one.
    for (const rowKey of rowKeys) {
      await table.deleteEntity(partitionKey, rowKey).catch((err: unknown) => {
        if (!isNotFound(err)) throw err;
      });
    }
  }
}
