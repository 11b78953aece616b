import { MINUTE } from '../model.js';
import type { ScalingPolicy } from '../policy.js';
import { KedaPolicy } from './keda.js';
import { ManagedDevOpsPoolsPolicy } from './managed-devops-pools.js';
import { PowerAutomatePolicy } from './power-automate.js';
import { PROJECT_DEFAULTS, PROJECT_FIXED, ProjectPolicy, type ProjectSettings } from './project.js';
import { VmssPolicy } from './vmss.js';

/**
 * Every policy setting the simulator runs: the project's operating point (its defaults) and a few of its own
 * settings, and each baseline swept over its knobs. A family's settings make its frontier (bot-minutes against p95
 * wait); the project's operating point is compared with the best point of every baseline's frontier.
 */
export interface PolicyVariant {
  /** the family (one frontier per family) */
  family: string;
  familyLabel: string;
  /** unique: json keys */
  name: string;
  /** the knobs of this setting, in words */
  knobs: string;
  make: () => ScalingPolicy;
}

export const PROJECT = 'project';
export const PROJECT_FAMILY = 'project';
export const BASELINE_FAMILIES = ['power-automate', 'keda', 'vmss', 'mdp-manual', 'mdp-auto'] as const;

export function policyVariants(project: ProjectSettings = PROJECT_DEFAULTS): PolicyVariant[] {
  const out: PolicyVariant[] = [];
  const add = (family: string, familyLabel: string, name: string, knobs: string, make: () => ScalingPolicy) =>
    out.push({ family, familyLabel, name, knobs, make });
  add(
    PROJECT_FAMILY,
    'this project',
    PROJECT,
    `learned outlook, warm quantile ${project.warmQuantile ?? 0}, service levels (operating point)`,
    () => new ProjectPolicy(project, { estimate: true }),
  );
  for (const q of [0.5]) {
    add(
      PROJECT_FAMILY,
      'this project',
      `project-q${q}`,
      `learned outlook, warm quantile ${q}`,
      () => new ProjectPolicy({ ...project, warmQuantile: q }, { name: `project-q${q}`, label: `this project (warm quantile ${q})` }),
    );
  }
  add(
    'project-fixed',
    'project as committed (no outlook)',
    'project-fixed',
    `BOT_IDLE_TIMEOUT_SECONDS ${project.botIdleTimeoutSeconds} for every group, no outlook`,
    () =>
      new ProjectPolicy(
        { ...PROJECT_FIXED, botIdleTimeoutSeconds: project.botIdleTimeoutSeconds, controllerIntervalSeconds: project.controllerIntervalSeconds },
        { name: 'project-fixed', label: 'project as committed' },
      ),
  );
  for (const idle of [0, 5, 15, 30])
    add('power-automate', 'Power-Automate-like', `power-automate-idle${idle}`, `scale in after ${idle} min idle`, () => new PowerAutomatePolicy(idle));
  for (const [poll, stab] of [
    [30, 0],
    [30, 5],
    [30, 15],
    [15, 0],
    [60, 5],
  ] as const)
    add('keda', 'KEDA-like', `keda-poll${poll}s-stab${stab}m`, `poll ${poll} s, stabilisation ${stab} min`, () => new KedaPolicy(poll, stab * MINUTE));
  for (const [idle, standby] of [
    [5, 0],
    [15, 0],
    [30, 0],
    [5, 2],
    [30, 2],
  ] as const)
    add(
      'vmss',
      'VMSS-agent-pool-like',
      `vmss-idle${idle}m-standby${standby}`,
      `check 5 min, step 25 %, delete idle after ${idle} min, standby ${standby}`,
      () => new VmssPolicy(5, 25, idle * MINUTE, standby),
    );
  for (const [kind, count] of [
    ['manual-business-hours', 2],
    ['manual-business-hours', 4],
    ['manual-always', 1],
  ] as const) {
    const p = () => new ManagedDevOpsPoolsPolicy({ kind, count }, 5);
    add('mdp-manual', 'Managed DevOps Pools, manual standby', p().name, p().knobs, p);
  }
  for (const preference of ['cost', 'balanced', 'performance'] as const) {
    const p = () => new ManagedDevOpsPoolsPolicy({ kind: 'automatic', preference }, 5);
    add('mdp-auto', 'Managed DevOps Pools, automatic standby', p().name, p().knobs, p);
  }
  return out;
}
