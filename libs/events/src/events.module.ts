import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EventEntity } from './entities/event.entity';

@Module({ imports: [TypeOrmModule.forFeature([EventEntity])], exports: [TypeOrmModule] })
export class EventsModule {}
