import { topicOf, type DataOf } from '@prm/contracts';
import { DomainError } from '@prm/domain';
import type { ConsumerHandle, EventBus } from '@prm/messaging';
import type { Actor, PartnersApplication } from './partners.application';

const CONSUMER: Actor = { id: 'system:deal-milestones', role: 'service' };
export const DEAL_MILESTONES_GROUP = 'prm.partners.deal-milestones';

/**
 * The partners service's reaction to prm.deals.events.v1: a partner's first registered deal and
 * first won deal move its journey (first_deal_registered, first_deal_won); every registration,
 * win and exchange rate is kept as a fact (`recordDealFact`: dormancy, tier revenue). Idempotent: the
 * decider records each milestone once, so a redelivered or later deal changes nothing. A deal
 * the journey cannot take (say the partner churned meanwhile) is logged and skipped; any other
 * error stops the batch uncommitted so it is retried.
 */
export class DealMilestonesConsumer {
  private handle?: ConsumerHandle;

  constructor(
    private readonly app: PartnersApplication,
    private readonly bus: EventBus,
    private readonly log: (line: string) => void = () => undefined,
  ) {}

  async start(): Promise<void> {
    this.handle = await this.bus.consume({
      groupId: DEAL_MILESTONES_GROUP,
      topics: [topicOf('deals')],
      fromBeginning: true,
      handleBatch: async (messages) => {
        for (const { event } of messages) {
          // The facts first (idempotent), so that tier revenue and dormancy see every deal.
          await this.app.recordDealFact(event);
          const type =
            event.type === 'DealRegistered'
              ? 'RecordFirstDealRegistered'
              : event.type === 'DealWon'
                ? 'RecordFirstDealWon'
                : null;
          const data = event.data as DataOf<'DealRegistered'> | DataOf<'DealWon'>;
          if (!type || !data.partnerId) continue;
          try {
            await this.app.run(
              data.partnerId,
              { type, data: { dealId: data.dealId, at: event.metadata.occurredAt } },
              { ...CONSUMER, correlationId: event.metadata.correlationId },
            );
          } catch (error) {
            if (!(error instanceof DomainError)) throw error;
            this.log(
              `deal milestones: ${event.type} ${data.dealId} for partner ${data.partnerId}: ${error.message}`,
            );
          }
        }
      },
      onError: (error) => this.log(`deal milestones consumer stopped: ${(error as Error).message}`),
    });
  }

  async stop(): Promise<void> {
    await this.handle?.stop();
  }

  get done(): Promise<void> | undefined {
    return this.handle?.done;
  }
}
