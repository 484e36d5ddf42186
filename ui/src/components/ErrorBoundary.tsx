import { Component, type ReactNode } from "react";
import { genericProblem } from "../api/client";

type Props = {
  children: ReactNode;
  /** What Reload does; the whole window by default. */
  onReload?: () => void;
};
type State = { failed: boolean };

/**
 * The last line of defence: a screen that throws while rendering shows a plain
 * message and a way to start over, never a blank window or a stack trace.
 */
export class ErrorBoundary extends Component<Props, State> {
  override state: State = { failed: false };

  // React itself logs the error to the developer console; the window shows no detail.
  static getDerivedStateFromError(): State {
    return { failed: true };
  }

  private reload = () => {
    if (this.props.onReload) this.props.onReload();
    else window.location.reload();
  };

  override render() {
    if (!this.state.failed) return this.props.children;
    const problem = genericProblem();
    return (
      <main className="center-page">
        <div className="card narrow" role="alert" data-testid="app-error">
          <h1>{problem.title}</h1>
          <p>{problem.detail}</p>
          <div className="actions">
            <button type="button" className="primary" onClick={this.reload} data-testid="app-reload">
              Reload
            </button>
          </div>
        </div>
      </main>
    );
  }
}
