/** Shapes of the platform's API as the web app reads them (see /api/openapi.json). */

export type Role = 'agent' | 'supervisor' | 'qa' | 'admin';
export type ConversationStatus = 'open' | 'pending' | 'snoozed' | 'resolved';
export type Priority = 'low' | 'normal' | 'high' | 'urgent';
export type MessageType = 'incoming' | 'outgoing' | 'note' | 'activity';

export interface Me {
  id: string;
  kind: 'user' | 'token';
  name: string;
  role: Role;
  teamIds: string[];
  csrfToken: string | null;
}

export interface Span {
  start: number;
  end: number;
}

export interface Finding {
  id: string;
  span: Span;
  text: string;
  confidence: number;
  polarity?: 'good' | 'harmful' | 'neutral';
  severity?: number;
  rewrite?: string;
}

export interface CustomerAnalysis {
  lang: string;
  emotion: string;
  intensity: number;
  sentiment: number;
  signals: Finding[];
  cues: Finding[];
}

export interface AgentAnalysis {
  lang: string;
  techniques: Finding[];
  empathyScore: number;
  primary: string;
}

export type MessageAnalysis = { role: 'customer'; customer: CustomerAnalysis } | { role: 'agent'; agent: AgentAnalysis };

export interface TrajectoryPoint {
  index: number;
  emotion: string;
  intensity: number;
  sentiment: number;
}

export interface ScorePoint {
  criterion: string;
  name: string;
  names: { zh: string; en: string };
  weight: number;
  score: number;
  applicable: boolean;
  reason: string;
}

export interface ConversationAnalysis {
  trajectory: TrajectoryPoint[];
  empathyScore: number;
  turnaround: number;
  scorecard?: { id: string; total: number; points: ScorePoint[] };
  satisfaction?: { label: string; score: number };
  signals?: Record<string, number>;
}

export interface AnalysisSummary {
  lastEmotion: string | null;
  lastIntensity: number | null;
  empathyScore: number | null;
  satisfaction: number | null;
  risk: string[];
}

export interface Conversation {
  id: string;
  inboxId: string;
  customerId: string;
  teamId: string | null;
  assigneeId: string | null;
  status: ConversationStatus;
  priority: Priority;
  subject: string;
  tags: string[];
  createdAt: string;
  updatedAt: string;
  lastMessageAt: string | null;
  waitingSince: string | null;
  firstResponseAt: string | null;
  resolvedAt: string | null;
}

export interface ConversationListItem extends Conversation {
  customerName: string;
  analysis: AnalysisSummary | null;
  lastMessage: string | null;
}

export interface Message {
  id: string;
  conversationId: string;
  type: MessageType;
  senderType: 'customer' | 'agent' | 'system';
  senderId: string | null;
  body: string;
  contentType: 'text' | 'email';
  createdAt: string;
  analysis?: MessageAnalysis | null;
}

export interface ConversationDetail {
  conversation: Conversation;
  messages: Message[];
  analysis: ConversationAnalysis | null;
}

export interface ConversationPage {
  items: ConversationListItem[];
  total: number;
}

export interface CustomerHistoryItem {
  id: string;
  channel: string;
  status: ConversationStatus;
  subject: string;
  createdAt: string;
  lastEmotion: string | null;
}

export interface Customer360 {
  customer: { id: string; name: string; identities: { kind: string; value: string }[] };
  conversations: CustomerHistoryItem[];
  summary: {
    conversationCount: number;
    openCount: number;
    lastIssues: { conversationId: string; subject: string; complaint: { text: string } | null }[];
    openPromises: { conversationId: string; text: string; due: string }[];
    emotionTrend: 'improving' | 'worsening' | 'steady' | 'unknown';
  };
  repeatContact: { conversationId: string; subject: string; daysAgo: number; reason: string } | null;
}

export interface Team {
  id: string;
  name: string;
}

export interface UserSummary {
  id: string;
  name: string;
  role: Role;
}

export interface CannedReply {
  id: string;
  shortCode: string;
  title: string;
  body: string;
  locale: string;
  variables: string[];
}

export interface ConversationContext {
  customer: { id: string; name: string };
  summary: Customer360['summary'];
  repeatContact: Customer360['repeatContact'];
}

/** One scorecard point's evidence: the dialogue turn (customer and agent messages, notes excluded) and the span in it. */
export interface Evidence {
  message: number;
  id: string;
  span: Span;
  text: string;
}

export interface EvaluationPoint extends ScorePoint {
  evidence?: Evidence[];
  override?: { previous: number; reason: string; previousApplicable: boolean };
}

export interface Dispute {
  reason?: string;
  by?: string;
  at?: string;
  resolution?: { decision: 'upheld' | 'overturned'; note: string; by: string; at: string };
}

export interface Evaluation {
  id: string;
  conversationId: string;
  agentId: string | null;
  kind: 'auto' | 'review';
  reviewerId: string | null;
  scorecard: string;
  score: number;
  status: 'final' | 'disputed' | 'resolved';
  basedOn: string | null;
  dispute: Dispute | null;
  createdAt: string;
  updatedAt: string;
}

export interface EvaluationDetail extends Evaluation {
  points: EvaluationPoint[];
  comment: string | null;
}
