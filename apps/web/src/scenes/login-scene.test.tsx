// @vitest-environment jsdom
import { renderInLanguage } from '../testing/dom.js';
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api/client.js';
import type { Me } from '../api/types.js';
import { LoginScene } from './login-scene.js';

const api = vi.hoisted(() => ({ login: vi.fn() }));
vi.mock('../api/instance.js', () => ({ api }));

const ME: Me = { id: 'u1', kind: 'user', name: '小林', role: 'agent', teamIds: [], csrfToken: 'csrf' };

async function signIn(email: string, password: string) {
  const user = userEvent.setup({ delay: null });
  await user.type(screen.getByLabelText(/Email|邮箱/), email);
  await user.type(screen.getByLabelText(/Password|密码/), password);
  await user.click(screen.getByRole('button', { name: /Sign in|登\s*录/ }));
  return user;
}

beforeEach(() => {
  api.login.mockReset();
});

describe('LoginScene', () => {
  it('signs in with the typed credentials', async () => {
    api.login.mockResolvedValue(ME);
    const onSignedIn = vi.fn();
    renderInLanguage(<LoginScene onSignedIn={onSignedIn} />, 'en');
    await signIn('agent@example.com', 'correct horse');
    await vi.waitFor(() => expect(onSignedIn).toHaveBeenCalledWith(ME));
    expect(api.login).toHaveBeenCalledWith('agent@example.com', 'correct horse');
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it.each([
    ['en', 'Wrong email or password'],
    ['zh-CN', '邮箱或密码不正确'],
  ] as const)('%s: bad credentials show an error and leave the form usable', async (language, message) => {
    api.login.mockRejectedValue(new ApiError('invalid_credentials', 401, 'invalid credentials'));
    const onSignedIn = vi.fn();
    renderInLanguage(<LoginScene onSignedIn={onSignedIn} />, language);
    await signIn('agent@example.com', 'wrong');
    expect((await screen.findByRole('alert')).textContent).toBe(message);
    expect(onSignedIn).not.toHaveBeenCalled();
    expect((screen.getByRole('button', { name: /Sign in|登\s*录/ }) as HTMLButtonElement).disabled).toBe(false);
  });

  it('says to wait when rate-limited, and shows other failures with their message', async () => {
    api.login.mockRejectedValueOnce(new ApiError('rate_limited', 429, 'slow down'));
    renderInLanguage(<LoginScene onSignedIn={vi.fn()} />, 'en');
    const user = await signIn('agent@example.com', 'x');
    expect((await screen.findByRole('alert')).textContent).toBe('Too many attempts; wait a minute');
    api.login.mockRejectedValueOnce(new TypeError('Failed to fetch'));
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    await vi.waitFor(() => expect(screen.getByRole('alert').textContent).toBe('Something went wrong: Failed to fetch'));
  });

  it('asks for both fields before calling the API', async () => {
    renderInLanguage(<LoginScene onSignedIn={vi.fn()} />, 'en');
    await userEvent.setup().click(screen.getByRole('button', { name: 'Sign in' }));
    // antd validates the fields one after the other; wait for both messages.
    await vi.waitFor(() => expect(screen.getAllByText('Required')).toHaveLength(2));
    expect(api.login).not.toHaveBeenCalled();
  });
});
