export * from './entities/event.entity';
export * from './events.service';
export * from './events.module';
