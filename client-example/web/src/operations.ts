// Every operation the web app sends, in one place. Outcomes a user can cause are data
// (`__typename` + ErrorResult's `message`, a sentence fit to show); refusals are errors.
import { gql, type TypedDocumentNode } from '@apollo/client';
import type { Money } from './format.js';

interface Outcome {
  __typename: string;
  message?: string;
}

export interface PetitionSummary {
  id: string;
  title: string;
  signatureCount: number;
}

/** A page of 20: each shown petition watches its count (a connection may watch 50 at once). */
export const OPEN_PETITIONS: TypedDocumentNode<{ openPetitions: { nodes: PetitionSummary[] } }> = gql`
  query OpenPetitions {
    openPetitions(first: 20) {
      nodes {
        id
        title
        signatureCount
      }
    }
  }
`;

export interface PetitionDetails extends PetitionSummary {
  body: string;
  status: 'CREATED' | 'OPEN' | 'CLOSED';
  viewerHasSigned: boolean;
  creator: { name: string };
}

export const PETITION: TypedDocumentNode<{ petition: PetitionDetails | null }, { id: string }> = gql`
  query Petition($id: ID!) {
    petition(id: $id) {
      id
      title
      body
      status
      signatureCount
      viewerHasSigned
      creator {
        name
      }
    }
  }
`;

export const COUNT_CHANGED: TypedDocumentNode<
  { signatureCountChanged: { petitionId: string; signatureCount: number } },
  { petitionId: string }
> = gql`
  subscription CountChanged($petitionId: ID!) {
    signatureCountChanged(petitionId: $petitionId) {
      petitionId
      signatureCount
    }
  }
`;

export const SIGN: TypedDocumentNode<
  { signPetition: Outcome & { signatureCount?: number; petition?: { id: string; signatureCount: number } } },
  { id: string }
> = gql`
  mutation Sign($id: ID!) {
    signPetition(petitionId: $id) {
      __typename
      ... on Signature {
        signatureCount
        petition {
          id
          signatureCount
          viewerHasSigned
        }
      }
      ... on ErrorResult {
        message
      }
    }
  }
`;

const AUTH_FIELDS = gql`
  fragment AuthFields on AuthResult {
    __typename
    ... on AuthPayload {
      token
      user {
        name
      }
    }
    ... on ErrorResult {
      message
    }
  }
`;

type AuthOutcome = Outcome & { token?: string; user?: { name: string } };

export const REGISTER: TypedDocumentNode<
  { register: AuthOutcome },
  { input: { email: string; password: string; name: string } }
> = gql`
  mutation Register($input: RegisterInput!) {
    register(input: $input) {
      ...AuthFields
    }
  }
  ${AUTH_FIELDS}
`;

export const LOGIN: TypedDocumentNode<{ login: AuthOutcome }, { input: { email: string; password: string } }> = gql`
  mutation Login($input: LoginInput!) {
    login(input: $input) {
      ...AuthFields
    }
  }
  ${AUTH_FIELDS}
`;

export const LOGOUT: TypedDocumentNode<{ logout: boolean }> = gql`
  mutation Logout {
    logout
  }
`;

export interface MyPetition extends PetitionSummary {
  body: string;
  status: 'CREATED' | 'OPEN' | 'CLOSED';
}

export const MY_PETITIONS: TypedDocumentNode<{ me: { petitions: MyPetition[] } | null }> = gql`
  query MyPetitions {
    me {
      id
      petitions {
        id
        title
        body
        status
        signatureCount
      }
    }
  }
`;

const PETITION_RESULT = gql`
  fragment PetitionResultFields on PetitionResult {
    __typename
    ... on Petition {
      id
      title
      body
      status
    }
    ... on ErrorResult {
      message
    }
  }
`;

type PetitionOutcome = Outcome & { id?: string };

export const CREATE_PETITION: TypedDocumentNode<
  { createPetition: PetitionOutcome },
  { input: { title: string; body: string } }
> = gql`
  mutation CreatePetition($input: PetitionInput!) {
    createPetition(input: $input) {
      ...PetitionResultFields
    }
  }
  ${PETITION_RESULT}
`;

export const UPDATE_PETITION: TypedDocumentNode<
  { updatePetition: PetitionOutcome },
  { id: string; input: { title: string; body: string } }
> = gql`
  mutation UpdatePetition($id: ID!, $input: PetitionInput!) {
    updatePetition(id: $id, input: $input) {
      ...PetitionResultFields
    }
  }
  ${PETITION_RESULT}
`;

export const LAUNCH_PETITION: TypedDocumentNode<{ launchPetition: PetitionOutcome }, { id: string }> = gql`
  mutation LaunchPetition($id: ID!) {
    launchPetition(id: $id) {
      ...PetitionResultFields
    }
  }
  ${PETITION_RESULT}
`;

export const CLOSE_PETITION: TypedDocumentNode<{ closePetition: PetitionOutcome }, { id: string }> = gql`
  mutation ClosePetition($id: ID!) {
    closePetition(id: $id) {
      ...PetitionResultFields
    }
  }
  ${PETITION_RESULT}
`;

export interface Product {
  id: string;
  name: string;
  description: string;
  price: Money;
  stock: number;
}

export const PRODUCTS: TypedDocumentNode<{ products: { nodes: Product[] } }> = gql`
  query Products {
    products(first: 50) {
      nodes {
        id
        name
        description
        price {
          amount
          currency
        }
        stock
      }
    }
  }
`;

export interface Cart {
  itemCount: number;
  total: Money;
  items: { product: { id: string; name: string }; quantity: number; lineTotal: Money }[];
}

const CART_FIELDS = gql`
  fragment CartFields on Cart {
    itemCount
    total {
      amount
      currency
    }
    items {
      product {
        id
        name
      }
      quantity
      lineTotal {
        amount
        currency
      }
    }
  }
`;

export const CART: TypedDocumentNode<{ me: { id: string; cart: Cart } | null }> = gql`
  query Cart {
    me {
      id
      cart {
        ...CartFields
      }
    }
  }
  ${CART_FIELDS}
`;

interface ShortOfStock {
  product?: { name: string };
  available?: number;
}

export const ADD_ITEM: TypedDocumentNode<
  { addItem: Outcome & ShortOfStock & { itemCount?: number; total?: Money } },
  { productId: string; quantity: number }
> = gql`
  mutation AddItem($productId: ID!, $quantity: Int!) {
    addItem(productId: $productId, quantity: $quantity) {
      __typename
      ... on Cart {
        ...CartFields
      }
      ... on InsufficientStock {
        product {
          id
          name
          stock
        }
        available
      }
      ... on ErrorResult {
        message
      }
    }
  }
  ${CART_FIELDS}
`;

export const REMOVE_ITEM: TypedDocumentNode<{ removeItem: Cart }, { productId: string }> = gql`
  mutation RemoveItem($productId: ID!) {
    removeItem(productId: $productId) {
      ...CartFields
    }
  }
  ${CART_FIELDS}
`;

export interface Order {
  id: string;
  status: 'PENDING' | 'PAID' | 'PAYMENT_DECLINED' | 'CANCELLED';
  total: Money;
  createdAt: string;
  invoice: { number: string } | null;
  lines: { product: { name: string }; quantity: number }[];
}

const ORDER_FIELDS = gql`
  fragment OrderFields on Order {
    id
    status
    createdAt
    total {
      amount
      currency
    }
    invoice {
      number
    }
    lines {
      product {
        id
        name
      }
      quantity
    }
  }
`;

export const CHECKOUT: TypedDocumentNode<
  {
    checkout: Outcome & ShortOfStock & Partial<Order> & { balance?: Money; amount?: Money; requested?: number };
  },
  { key: string }
> = gql`
  mutation Checkout($key: String!) {
    checkout(idempotencyKey: $key) {
      __typename
      ... on Order {
        ...OrderFields
      }
      ... on InsufficientStock {
        product {
          id
          name
          stock
        }
        requested
        available
      }
      ... on PaymentDeclined {
        balance {
          amount
          currency
        }
        amount {
          amount
          currency
        }
      }
      ... on ErrorResult {
        message
      }
    }
  }
  ${ORDER_FIELDS}
`;

export const ORDERS: TypedDocumentNode<{ me: { id: string; orders: { nodes: Order[] } } | null }> = gql`
  query Orders {
    me {
      id
      orders(first: 20) {
        nodes {
          ...OrderFields
        }
      }
    }
  }
  ${ORDER_FIELDS}
`;

export const CANCEL_ORDER: TypedDocumentNode<{ cancelOrder: Outcome & Partial<Order> }, { id: string }> = gql`
  mutation CancelOrder($id: ID!) {
    cancelOrder(orderId: $id) {
      __typename
      ... on Order {
        ...OrderFields
      }
      ... on ErrorResult {
        message
      }
    }
  }
  ${ORDER_FIELDS}
`;

export const ACCOUNT: TypedDocumentNode<{
  me: { id: string; name: string; email: string | null; account: { id: string; balance: Money } } | null;
}> = gql`
  query Account {
    me {
      id
      name
      email
      account {
        id
        balance {
          amount
          currency
        }
      }
    }
  }
`;

export const DEPOSIT: TypedDocumentNode<{ deposit: Outcome & { id?: string; balance?: Money } }, { amount: number }> =
  gql`
    mutation Deposit($amount: Int!) {
      deposit(amount: $amount) {
        __typename
        ... on Account {
          id
          balance {
            amount
            currency
          }
        }
        ... on ErrorResult {
          message
        }
      }
    }
  `;
