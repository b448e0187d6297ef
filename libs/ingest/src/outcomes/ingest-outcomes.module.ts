import { Module } from '@nestjs/common';
import { IngestOutcomesRepository } from './ingest-outcomes.repository';
import { OutcomeRecorder } from './outcome-recorder';

/** The account stage, for the api (items it accepts or ignores) and the worker (what became of them). */
@Module({
  providers: [IngestOutcomesRepository, OutcomeRecorder],
  exports: [IngestOutcomesRepository, OutcomeRecorder],
})
export class IngestOutcomesModule {}
