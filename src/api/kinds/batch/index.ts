/** The batch/v1 group: Job and CronJob. */
import type { GroupModule } from '../types.ts';
import { cronJobKind } from './cronjob.ts';
import { definitions } from './definitions.ts';
import { jobKind } from './job.ts';

export const module: GroupModule = {
  kinds: [jobKind, cronJobKind],
  definitions,
};
