((nil . ((eglot-workspace-configuration . (:landlockLens (:treeListing "sandbox-tree.txt"))))))
