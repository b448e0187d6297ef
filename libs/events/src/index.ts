export * from './entities/event.entity';
export * from './events.repository';
export * from './events.service';
export * from './events.module';
export * from './event-id';
