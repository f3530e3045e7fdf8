import { z } from 'zod';

/** Bump when the task record layout changes; readers refuse other versions. */
export const REPO_TASKS_VERSION = 1;

const Range = z.tuple([z.number().int().min(0), z.number().int().min(0)]);

export const MutantSchema = z.object({
  line: z.number().int().positive(),
  col: z.number().int().min(0),
  from: z.string(),
  to: z.string(),
  new_line: z.string(),
});
export type Mutant = z.infer<typeof MutantSchema>;

/** One method; serves method generation, completion and repair (the spec's record fields). */
export const RepoTaskSchema = z.object({
  idx: z.number().int().min(0),
  dp_id: z.string(),
  split: z.string(),
  file_path: z.string(),
  raw_file_content: z.string(),
  class_name: z.string(),
  class_doc: z.string(),
  class_code: z.string(),
  /** Not read by run-repo; absent in published records that do not carry it. */
  class_position_in_file: Range.optional(),
  file_without_method: z.string(),
  class_without_method: z.string(),
  file_with_buggy_method: z.string(),
  test_error_message: z.string(),
  method: z.object({
    name: z.string(),
    declaration: z.string(),
    body: z.string(),
    description: z.string(),
    /** 0-based [first, last] lines of the signature and of the body in raw_file_content. */
    global_method_declaration_index: Range,
    global_method_body_index: Range,
  }),
  tests: z.object({ full_paths: z.array(z.string()).min(1), time_test_norm: z.number().optional() }),
  /** The mutation that made the repair variant (a 1-based line of the file); absent when a published record's buggy file is not one changed line. */
  bug: MutantSchema.optional(),
  /** Further known mutation sites; the offline model draws its defects from them. */
  mutants: z.array(MutantSchema),
  /** Judge by writing raw_file_content whole (with the candidate in it), not by splicing the tree's own file: the record came from another Django tree. */
  whole_file: z.literal(true).optional(),
});
export type RepoTask = z.infer<typeof RepoTaskSchema>;

/** First line of a task file: what it was built from and how. */
export const RepoTasksHeaderSchema = z.object({
  format: z.literal('repo-tasks'),
  version: z.number().int(),
  source: z.object({ package: z.string(), version: z.string(), orig_sha256: z.string(), tree_sha256: z.string() }),
  image: z.string(),
  seed: z.number().int(),
  test_apps: z.array(z.string()),
  counts: z.record(z.number()),
  dropped: z.record(z.number()),
  build_seconds: z.number(),
});
export type RepoTasksHeader = z.infer<typeof RepoTasksHeaderSchema>;
