export type { JobService, JobServiceFactory } from './job-service';
export { LocalJobService } from './local-job-service';
import type { JobServiceFactory } from './job-service';
import { LocalJobService } from './local-job-service';

export const createJobService: JobServiceFactory = (project) => new LocalJobService(project);
