import { json } from '../db/schema.js';
import type { Executor } from '../repositories/jobs.js';

/**
 * Demo routing: one emotion-aware, least-busy queue for the after-sales team (continuity on, upset customers to the
 * best de-escalators, a supervisor as fallback) and a round-robin queue for English support; every agent online.
 */
export async function seedRoutingDemo(trx: Executor, organisation: { teams: ReadonlyMap<string, string> }): Promise<void> {
  const afterSales = organisation.teams.get('after_sales');
  const english = organisation.teams.get('english_support');
  if (afterSales) {
    await trx
      .insertInto('routing_queues')
      .values({ name: '售后队列 After-sales queue', team_id: afterSales, strategy: 'least_busy', required_skills: json([]) })
      .execute();
  }
  if (english) {
    await trx
      .insertInto('routing_queues')
      .values({ name: 'English support queue', team_id: english, strategy: 'round_robin', required_skills: json([]) })
      .execute();
  }
  const staff = await trx.selectFrom('users').select('id').where('role', 'in', ['agent', 'supervisor']).execute();
  if (staff.length > 0) {
    await trx
      .insertInto('agent_routing')
      .values(staff.map((user) => ({ user_id: user.id, presence: 'online' as const, capacity: 6 })))
      .onConflict((oc) => oc.column('user_id').doNothing())
      .execute();
  }
}
