export * from './entities/event.entity';
export * from './events.module';
