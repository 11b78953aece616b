import type { ScalingPolicy } from '../policy.js';
import { KedaPolicy } from './keda.js';
import { PowerAutomatePolicy } from './power-automate.js';
import { PROJECT_DEFAULTS, ProjectPolicy, type ProjectSettings } from './project.js';
import { VmssPolicy } from './vmss.js';

/** The policies compared, fresh for each simulation (some keep state). The project's comes first. */
export function policies(project: ProjectSettings = PROJECT_DEFAULTS): Array<() => ScalingPolicy> {
  return [
    () => new ProjectPolicy(project),
    () => new PowerAutomatePolicy(),
    () => new KedaPolicy(),
    () => new VmssPolicy(),
    () => new ProjectPolicy(project, { planBeforeReclaim: true }),
  ];
}

export const PROJECT = 'project';
export const BASELINES = ['power-automate', 'keda', 'vmss'] as const;
