import { App, Input, Modal, Segmented, Select, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { api } from '../../api/instance.js';
import type { ConversationDetail, Me, Team, UserSummary } from '../../api/types.js';
import { pickRiskFlags } from '../../components/emotion.js';
import { useI18n } from '../../i18n/i18n.js';
import { buildTransferNote } from './transfer-note.js';

type Target = 'agent' | 'team';

/**
 * Transfer with context: hand the conversation to another agent (supervisors and admins) or team, with a private note
 * that summarises the customer's emotion, key complaint and open promises (editable before it is saved).
 */
export function TransferDialog({
  open,
  me,
  detail,
  risk,
  onClose,
  onDone,
}: {
  open: boolean;
  me: Me;
  detail: ConversationDetail;
  risk: readonly string[];
  onClose(): void;
  onDone(): void;
}) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const mayPickAgent = me.role === 'supervisor' || me.role === 'admin';
  const [target, setTarget] = useState<Target>(mayPickAgent ? 'agent' : 'team');
  const [users, setUsers] = useState<UserSummary[]>([]);
  const [teams, setTeams] = useState<Team[]>([]);
  const [choice, setChoice] = useState<string | undefined>();
  const [note, setNote] = useState('');
  const [saving, setSaving] = useState(false);
  const conversationId = detail.conversation.id;

  useEffect(() => {
    if (!open) return;
    let live = true;
    setChoice(undefined);
    api.listTeams().then(
      (items) => live && setTeams(items),
      () => undefined,
    );
    if (mayPickAgent)
      api.listUsers().then(
        (items) => live && setUsers(items.filter((u) => u.role !== 'qa' && u.id !== me.id)),
        () => undefined,
      );
    const lastCustomer = detail.messages.findLast((m) => m.type === 'incoming');
    const analysis = lastCustomer?.analysis?.role === 'customer' ? lastCustomer.analysis.customer : null;
    const draft = (complaint: string | null, promises: { text: string; due: string }[]) =>
      buildTransferNote(t, {
        emotion: analysis?.emotion ?? null,
        intensity: analysis?.intensity ?? null,
        risk: pickRiskFlags(risk),
        complaint,
        promises,
      });
    setNote(draft(lastCustomer?.body ?? null, []));
    api.getContext(conversationId).then(
      (context) => {
        if (!live) return;
        const issue = context.summary.lastIssues.find((i) => i.conversationId === conversationId);
        const promises = context.summary.openPromises.filter((p) => p.conversationId === conversationId);
        setNote(draft(issue?.complaint?.text ?? lastCustomer?.body ?? null, promises));
      },
      () => undefined,
    );
    return () => {
      live = false;
    };
    // The note is drafted once per opening (not on every new message); later edits are the agent's.
  }, [open, conversationId]);

  const submit = async () => {
    if (!choice) return;
    setSaving(true);
    try {
      // The note first: after the transfer the sender may no longer see the conversation.
      if (note.trim()) await api.postMessage(conversationId, note.trim(), 'note');
      await api.updateConversation(conversationId, target === 'agent' ? { assigneeId: choice } : { teamId: choice, assigneeId: null });
      void message.success(t('transfer.done'));
      onDone();
    } catch (e) {
      void message.error(t('app.error', { message: e instanceof Error ? e.message : String(e) }));
    } finally {
      setSaving(false);
    }
  };

  const options =
    target === 'agent'
      ? users.map((u) => ({ value: u.id, label: `${u.name} · ${t(`role.${u.role}`)}` }))
      : teams.map((team) => ({ value: team.id, label: team.name }));
  return (
    <Modal
      open={open}
      title={t('transfer.title')}
      okText={t('transfer.submit')}
      cancelText={t('app.cancel')}
      onOk={() => void submit()}
      onCancel={onClose}
      okButtonProps={{ disabled: !choice, loading: saving }}
      destroyOnHidden
      width={560}
    >
      <div className="transfer-form">
        {mayPickAgent && (
          <Segmented<Target>
            value={target}
            onChange={(next) => {
              setTarget(next);
              setChoice(undefined);
            }}
            options={[
              { value: 'agent', label: t('transfer.toAgent') },
              { value: 'team', label: t('transfer.toTeam') },
            ]}
          />
        )}
        <Select<string>
          showSearch={{ optionFilterProp: 'label' }}
          aria-label={target === 'agent' ? t('transfer.toAgent') : t('transfer.toTeam')}
          placeholder={target === 'agent' ? t('transfer.pickAgent') : t('transfer.pickTeam')}
          value={choice}
          onChange={setChoice}
          options={options}
          notFoundContent={t('transfer.nobody')}
          className="transfer-target"
        />
        <Typography.Text type="secondary">{t('transfer.noteLabel')}</Typography.Text>
        <Input.TextArea
          aria-label={t('transfer.noteLabel')}
          value={note}
          onChange={(e) => setNote(e.target.value)}
          autoSize={{ minRows: 5, maxRows: 10 }}
          maxLength={5000}
        />
      </div>
    </Modal>
  );
}
